"""dumon ("dư luận monitor"): a press monitor for a provincial Department of Education."""

__version__ = "0.1.0"
