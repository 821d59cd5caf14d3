"""osi-check: open-source license compliance for CRM deployments."""

__version__ = "0.1.0"
