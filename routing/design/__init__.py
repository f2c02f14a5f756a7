"""Lane booking design: forecast -> units to book per service and departure."""
