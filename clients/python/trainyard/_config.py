"""Where the server is and who we are, found as the trainyard CLI finds them."""

import os
from pathlib import Path
from typing import Dict, Optional, Tuple

DEFAULT_URL = "http://localhost:8080"


def home(env=os.environ) -> Path:
    """TRAINYARD_HOME, or ~/.trainyard: where the config file lives."""
    h = env.get("TRAINYARD_HOME", "").strip()
    return Path(h) if h else Path.home() / ".trainyard"


def resolve(url: Optional[str], token: Optional[str], env=os.environ) -> Tuple[str, Optional[str]]:
    """Each value from the first of: the argument, TRAINYARD_URL / TRAINYARD_TOKEN, the config
    file (``url=`` and ``token=`` lines), the default."""
    config = _read(home(env) / "config")
    url = _first(url, env.get("TRAINYARD_URL"), config.get("url")) or DEFAULT_URL
    token = _first(token, env.get("TRAINYARD_TOKEN"), config.get("token"))
    if not url.startswith(("http://", "https://")):
        raise ValueError("server URL must be http(s)://host[:port], got %r" % url)
    return url.rstrip("/"), token


def _read(path: Path) -> Dict[str, str]:
    """A properties file's ``key=value`` (or ``key: value``) lines; # and ! start comments."""
    values = {}
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if not line or line[0] in "#!":
                continue
            cut = min((i for i in (line.find("="), line.find(":")) if i >= 0), default=len(line))
            values[line[:cut].strip()] = line[cut + 1:].strip()
    return values


def _first(*values: Optional[str]) -> Optional[str]:
    for v in values:
        if v is not None and v.strip():
            return v.strip()
    return None
