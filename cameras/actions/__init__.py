"""Every change to cameras goes through these do_* functions (split by subdomain)."""
