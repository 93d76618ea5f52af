"""Camera frame analysis with no Django in it: decode a snapshot, measure it, judge it, and keep
each camera's learned normal and hysteresis so a status flips only on sustained evidence."""
