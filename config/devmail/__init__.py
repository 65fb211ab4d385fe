"""Mail under development defaults: `make run` catches every message on a local SMTP server
(catcher.py), keeps it under var/mail/ (mailbox.py) and shows it at /dev/mail/ (views.py).
Never on in production: settings.DEV_MAIL_DIR is set only with the embedded servers and DEBUG."""
