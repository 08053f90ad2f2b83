"""The question sheet a learner sees: an attempt's (or a preview's) questions in their order."""

from .models import Question


def questions_in_order(sheet):
    """sheet's questions in its order, each with its choices in the sheet's order.

    sheet is an Attempt, or the Draw of a preview: anything with question_ids and choice_order.
    """
    questions = Question.objects.filter(id__in=sheet.question_ids).prefetch_related("choices")
    by_id = {q.id: q for q in questions}
    items = []
    for number, question_id in enumerate(sheet.question_ids, start=1):
        question = by_id.get(question_id)
        if question is None:  # deleted from the bank since
            continue
        choices = {c.id: c for c in question.choices.all()}
        ordered = [choices[c] for c in sheet.choice_order.get(str(question_id), []) if c in choices]
        items.append({"number": number, "question": question, "choices": ordered})
    return items
