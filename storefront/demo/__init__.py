"""Demo and scale data: every seeding and bulk-loading path, next to the data files it reads.

The domain packages know nothing of it; only create_app's CLI wiring imports it.
"""

from pathlib import Path

DEMO_DIR = Path(__file__).resolve().parent
