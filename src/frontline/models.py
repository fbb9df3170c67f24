"""Every table of the serving database.

The thematic store declares its tables in `frontline.store`; each platform domain declares its
own in its `models` module on the same `Base`. Importing this module registers them all on
`Base.metadata`, which is what the migrations are compared against.
"""

from frontline.access import models as access
from frontline.areas import models as areas
from frontline.audit import models as audit
from frontline.devices import models as devices
from frontline.forms import models as forms
from frontline.scenarios import models as scenarios
from frontline.staff import models as staff
from frontline.store import Base
from frontline.tasks import models as tasks

metadata = Base.metadata

__all__ = [
    "access",
    "areas",
    "audit",
    "devices",
    "forms",
    "metadata",
    "scenarios",
    "staff",
    "tasks",
]
