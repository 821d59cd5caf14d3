"""The rule engine: rules as data, three-valued evaluation over the facts of a scan."""
