"""Google Sheets and Drive: sending unit workbooks and collecting them for consolidation.

Everything goes through gspread's HTTP client (our retrying, pacing subclass in `http.py`)
with google-auth credentials (`auth.py`). Google's base URLs can be replaced through
environment variables (`endpoints.py`), which is how the tests point the real client
libraries at a local fake of the APIs.
"""
