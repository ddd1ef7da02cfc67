"""The Entitlement Management emulator from a test suite: find or start one
(:func:`start`), make a tenant of a test's own with a service principal that signs in to it
(:class:`Tenant`), and get Microsoft's Graph SDK clients signed in to that tenant. The pytest
fixtures are in :mod:`entitlement_emulator.pytest_plugin`, loaded by pytest on install."""

from .launcher import Emulator, EmulatorUnavailable, start
from .tenant import Tenant, TenantError

__all__ = ["Emulator", "EmulatorUnavailable", "Tenant", "TenantError", "start"]
