"""Which role may do what: an admin may do everything a reviewer may."""

from models import StaffRole

RANK = {StaffRole.REVIEWER: 1, StaffRole.ADMIN: 2}

ROLE_WORDS = {
    StaffRole.REVIEWER: "reviewer (the queue, requests, replies, reports, the outbox)",
    StaffRole.ADMIN: "admin (also accounts import, staff, decline reasons, retries, exports)",
}


def has_role(user, role):
    """Whether `user` holds `role` or a higher one."""
    return user is not None and RANK.get(StaffRole(user.role), 0) >= RANK[StaffRole(role)]
