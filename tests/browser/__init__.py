"""Browser tests (real Chromium) and the support shared by every web test."""
