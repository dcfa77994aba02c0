"""Statistical process control: the XmR engine (NHS England's Making Data Count), phases of change,
and each indicator's trend. Uses indicators, data and time."""
