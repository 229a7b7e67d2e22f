"""Puts this folder on sys.path so tests share `invoice_samples` (pytest runs in importlib mode)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
