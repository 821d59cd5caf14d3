"""The policy file: allowed and denied licenses, exceptions with owner and expiry, clarifications pinned
to license-file hashes, severity overrides, and commercial licenses held.

`load_policy`/`find_policy` read it strictly; `clarify` runs before the rules, `apply_policy` after them.
"""

from osi_check.policy.apply import apply_policy
from osi_check.policy.clarify import clarify
from osi_check.policy.load import PolicyError, find_policy, load_policy
from osi_check.policy.model import EMPTY_POLICY, Policy

__all__ = ["EMPTY_POLICY", "Policy", "PolicyError", "apply_policy", "clarify", "find_policy", "load_policy"]
