"""Email to overseas shoppers: the address comes from their regional store (issue #17).

Oscar's dispatchers send to ``user.email`` and log each message (recipient, subject and
bodies) as an ``Email`` row in the global database. For a user homed outside the global
region the recipient is read through ``selectors.user_email_get`` and no ``Email`` row is
written (its body holds their name and address); the order's ``CommunicationEvent`` still
records that the message went. Users of the global region keep Oscar's behaviour.
"""

from __future__ import annotations

from oscar.core.loading import get_class

from commerce.residency import selectors, services

Dispatcher = get_class("communication.utils", "Dispatcher")


class ResidencyDispatcher(Dispatcher):
    def send_user_email_messages(self, user, messages, attachments=None):
        if not services.is_overseas(region=services.user_region(user=user)):
            return super().send_user_email_messages(user, messages, attachments)
        recipient = selectors.user_email_get(user=user)
        if not recipient:
            self.logger.warning("Unable to send email messages: user #%d has no email", user.pk)
            return None
        return self.send_email_messages(recipient, messages, attachments=attachments)


def dispatcher_residency_install(dispatcher) -> None:
    """Swap an Oscar ``*Dispatcher``'s inner communication dispatcher for ours."""
    inner = dispatcher.dispatcher
    dispatcher.dispatcher = ResidencyDispatcher(
        logger=inner.logger, mail_connection=inner.mail_connection
    )
