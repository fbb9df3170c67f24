"""Field data collection forms (采集表单): XLSForm spreadsheets read into definitions, their
expressions, and the server's validation of a submission.

    definition = read_xlsform(data, "elderly_visit_record.xlsx", entity_type="person")
    document = definition.to_document()          # stored, and shipped to the app
    checked = check_submission(definition, answers, today=date.today(), prefill=golden)
    if checked.ok: ...                           # checked.answers, checked.proposals

The supported subset, bindings and the expression language are in docs/forms.md.

On the store (imported from their modules, not from here): `registry` (form versions),
`submissions` (exactly-once submissions from phones), `changes` (change requests), `review`
(reading and deciding them through the access policy), `writeback` (`apply_change`, an
accepted change into the golden record), `exports` (CSV and XLSX), `refusals` (why, in zh
and en) and `models` (the tables). Sync, review and write-back: docs/forms.md.
"""

from frontline.forms.conversions import Value, number_text, to_boolean, to_number, to_string
from frontline.forms.definition import (
    QUESTION_TYPES,
    Choice,
    FormDefinition,
    Group,
    Label,
    Node,
    PlacedQuestion,
    Question,
    Repeat,
    default_is_expression,
)
from frontline.forms.errors import FormError, FormProblem
from frontline.forms.evaluation import Context, answer_value, evaluate, evaluate_boolean
from frontline.forms.expressions import FUNCTIONS, Expression, ExpressionError, parse
from frontline.forms.validation import Checked, FieldError, Proposal, check_submission
from frontline.forms.values import MAX_REPEATS, MAX_TEXT, PHOTO_TYPES
from frontline.forms.xlsform import read_xlsform

__all__ = [
    "FUNCTIONS",
    "MAX_REPEATS",
    "MAX_TEXT",
    "PHOTO_TYPES",
    "QUESTION_TYPES",
    "Checked",
    "Choice",
    "Context",
    "Expression",
    "ExpressionError",
    "FieldError",
    "FormDefinition",
    "FormError",
    "FormProblem",
    "Group",
    "Label",
    "Node",
    "PlacedQuestion",
    "Proposal",
    "Question",
    "Repeat",
    "Value",
    "answer_value",
    "check_submission",
    "default_is_expression",
    "evaluate",
    "evaluate_boolean",
    "number_text",
    "parse",
    "read_xlsform",
    "to_boolean",
    "to_number",
    "to_string",
]
