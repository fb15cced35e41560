"""``python -m rluf_core.reward.oasst``: the OASST study (rluf_core.reward.oasst.study.main)."""

import sys

from rluf_core.reward.oasst.study import main

sys.exit(main())
