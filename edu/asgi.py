"""ASGI entry point: HTTP through Django, WebSockets through Channels.

Django is initialised (``get_asgi_application``) before anything imports models or consumers.
WebSocket connections are accepted only from the hosts in ALLOWED_HOSTS (Origin check) and carry
the Django session cookie (the LTI session's, for a launched page: ``lti.tool.websocket``); each
route authenticates from it (``classrooms.live.routing``).
"""

import gc
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edu.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from edu.routing import websocket_urlpatterns  # noqa: E402
from lti.tool.websocket import LtiSocketSessionMiddleware  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(LtiSocketSessionMiddleware(URLRouter(websocket_urlpatterns))),
    }
)

# The cyclic garbage collector, tuned for a server holding thousands of sockets: a full collection
# walks every live object (Django, Wagtail and each connection's consumer), and at 2,000 sockets
# one stalls the event loop for hundreds of milliseconds, in the middle of a slide push (measured:
# docs/performance.md). Everything loaded at start-up lives as long as the process, so it is frozen
# out of the collector's reach; young collections run less often, full ones rarely. Reference
# counting still frees almost everything at once; only cycles wait longer.
gc.freeze()
gc.set_threshold(50_000, 20, 100)
