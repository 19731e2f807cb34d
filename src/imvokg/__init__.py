"""imvokg: a knowledge graph of international responsible business conduct.

The public surface is deliberately small; everything else is reached through
the command line (`imvokg --help`) or the HTTP API.
"""

from imvokg.config import Settings
from imvokg.errors import ImvokgError

__version__ = "0.1.0"
__all__ = ["ImvokgError", "Settings", "__version__"]
