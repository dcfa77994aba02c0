"""Time: UK financial periods and working days, the calendar every other layer counts in."""
