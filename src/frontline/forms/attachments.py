"""The photos of a submission: each checked against its digest, type and size, and every photo
answer matched with a photo sent alongside.

    photos, errors = checked_photos(body.attachments)   # by SHA-256: (content type, bytes)
    errors += unsent_photos(definition, answers, photos)

A phone sends a form's photos with it, base64 in the JSON body; a photo answer names its
photo by SHA-256. What is wrong comes back as field errors in the worker's two languages, so
the phone can say which attachment to send again.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from frontline.forms.definition import FormDefinition, Question
from frontline.forms.messages import Place
from frontline.forms.validation import FieldError
from frontline.forms.values import PHOTO_TYPES

MAX_ATTACHMENTS = 5
MAX_ATTACHMENT_BYTES = 2 * 1024 * 1024
MAX_ATTACHMENT_TEXT = -(-MAX_ATTACHMENT_BYTES // 3) * 4
"""The longest base64 text of an attachment of `MAX_ATTACHMENT_BYTES`."""


@dataclass(frozen=True, slots=True)
class AttachmentIn:
    """A photo as the phone sends it: its digest, type and base64 bytes."""

    sha256: str
    content_type: str
    data: str


def checked_photos(
    attachments: Sequence[AttachmentIn],
) -> tuple[dict[str, tuple[str, bytes]], list[FieldError]]:
    """The photos sent, by digest (bytes checked against it), and what is wrong with them."""
    photos: dict[str, tuple[str, bytes]] = {}
    errors: list[FieldError] = []

    def fail(index: int, zh: str, en: str) -> None:
        where_zh, where_en = f"第 {index + 1} 个附件", f"attachment {index + 1}"
        errors.append(
            FieldError(
                f"attachments[{index}]", "attachment", f"{where_zh}：{zh}", f"{where_en}: {en}"
            )
        )

    if len(attachments) > MAX_ATTACHMENTS:
        errors.append(
            FieldError(
                "attachments",
                "size",
                f"最多 {MAX_ATTACHMENTS} 个附件",
                f"at most {MAX_ATTACHMENTS} attachments",
            )
        )
        return photos, errors
    for index, attachment in enumerate(attachments):
        sha = attachment.sha256.lower()
        if attachment.content_type not in PHOTO_TYPES:
            fail(index, "只接受 JPEG、PNG 或 WebP 照片", "only JPEG, PNG or WebP photos")
            continue
        try:
            data = base64.b64decode(attachment.data, validate=True)
        except (binascii.Error, ValueError):
            fail(index, "内容不是有效的 base64 编码", "the data is not valid base64")
            continue
        if len(data) > MAX_ATTACHMENT_BYTES:
            limit = MAX_ATTACHMENT_BYTES // 1024 // 1024
            fail(index, f"照片超过 {limit} MB", f"the photo exceeds {limit} MB")
            continue
        if hashlib.sha256(data).hexdigest() != sha:
            fail(
                index,
                "内容与 SHA-256 摘要不符（传输中损坏），请重新发送",
                "the data does not match its SHA-256 (damaged on the way); send it again",
            )
            continue
        if sha in photos:
            fail(index, "同一张照片发送了两次", "the same photo is sent twice")
            continue
        photos[sha] = (attachment.content_type, data)
    return photos, errors


def unsent_photos(
    definition: FormDefinition, answers: Mapping[str, Any], photos: Mapping[str, tuple[str, bytes]]
) -> list[FieldError]:
    """An error for every photo answer that names no photo sent with the submission."""
    errors: list[FieldError] = []

    def check(question: Question, value: object, path: str, place: Place) -> None:
        if question.type != "photo" or not isinstance(value, Mapping):
            return
        sent = photos.get(str(value.get("attachment")))
        if sent is None or sent[0] != value.get("content_type"):
            errors.append(
                FieldError(
                    path,
                    "attachment",
                    f"{place.zh}：照片没有随记录一起发送，请重新发送",
                    f"{place.en}: the photo was not sent with the record; send it again",
                )
            )

    for node, repeat in definition.nodes():
        if node.kind != "question" or node.type != "photo":
            continue
        if repeat is None:
            check(node, answers.get(node.name), node.name, Place(node))
            continue
        instances = answers.get(repeat.name)
        for index, instance in enumerate(instances if isinstance(instances, list) else []):
            if isinstance(instance, Mapping):
                path = f"{repeat.name}[{index}].{node.name}"
                check(node, instance.get(node.name), path, Place(node, index, repeat))
    return errors
