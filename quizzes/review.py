"""Questions go live through review: an upload arrives as drafts submitted together, and a
reviewer approves them one by one in Wagtail's workflow or a batch in one go."""

from dataclasses import dataclass

from django.db import transaction

APPROVE = "approve"


def submit_for_review(question, user):
    """Start the review workflow configured for questions; without one the draft waits for a
    person allowed to publish. Returns the workflow state or None."""
    workflow = question.get_workflow()
    if workflow is None:
        return None
    return workflow.start(question, user)


def may_approve(question, user):
    """Whether the question waits at a step this person may approve (never their own)."""
    state = question.current_workflow_task_state
    if state is None:
        return False
    actions = state.task.specific.get_actions(question, user)
    return any(name == APPROVE for name, _label, _modal in actions)


@dataclass
class BatchApproval:
    approved: int = 0
    refused: int = 0  # waiting at a step the person may not approve, their own among them
    not_waiting: int = 0  # not in review: already live, or a draft never submitted


def approve_all(questions, user, comment=""):
    """Approve each question waiting for this person, as if approved one by one in Wagtail:
    the same task action, so the same publishing, audit entries and notifications."""
    result = BatchApproval()
    with transaction.atomic():
        for question in questions:
            state = question.current_workflow_task_state
            if state is None:
                result.not_waiting += 1
            elif may_approve(question, user):
                state.task.specific.on_action(state, user, APPROVE, comment=comment)
                result.approved += 1
            else:
                result.refused += 1
    return result
