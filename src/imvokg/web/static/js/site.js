// Shared by every page: mark that scripts run (so script-only controls show and the plain
// fallbacks hide). The language choice is remembered by the server in a cookie.
document.documentElement.classList.add("js");
