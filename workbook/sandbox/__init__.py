"""The sandbox that student code runs in while grading: the host side, the inside, and the wire between them."""
