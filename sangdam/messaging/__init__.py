"""Text messages (문자, SPEC CC-G): SMS, LMS and MMS to customers through a gateway."""
