"""`python -m fangkong.analytics trace ...`"""

import sys

from fangkong.analytics.cli import main

sys.exit(main())
