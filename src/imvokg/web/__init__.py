"""The web interface: HTML templates, interface text in four languages and static assets."""
