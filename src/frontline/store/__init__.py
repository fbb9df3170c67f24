"""The serving database: the thematic store (主题数据库) the integration engine publishes to.

SQLite by default, PostgreSQL in production. This package holds no policy and imports
nothing of Frontline's above it; the platform's domains declare their tables on `Base`.

    engine = create_engine_for(database_url(os.environ))
    upgrade(engine)                                   # migrations, packaged here
    run_id = start_run(engine, config_digest)
    ids = allocate_entity_ids(engine, "person", 1000)
    report = publish(engine, RunSummary(run_id, scope), replace=True, entities=…, golden=…)
"""

from frontline.store.base import Base, canonical_json
from frontline.store.counters import (
    IdBlock,
    IdCounter,
    allocate_entity_ids,
    allocate_on,
    format_entity_id,
    register_entity_type,
)
from frontline.store.engine import (
    begin_write,
    create_engine_for,
    write_session,
    write_transaction,
)
from frontline.store.entities import Entity, entity, known_entities
from frontline.store.events import EntityEvent, events_of_run
from frontline.store.golden import GoldenHistory, GoldenRecord, golden_history, golden_record
from frontline.store.links import RecordLink, link_counts, links_of_entity
from frontline.store.publisher import Publisher, PublishError, PublishReport, publish
from frontline.store.quality import (
    QualityIssue,
    QualityScore,
    issue_counts,
    issues_by_department,
    latest_scores,
)
from frontline.store.review import (
    ReviewPair,
    decide_review_pair,
    open_review_pairs,
    review_decisions,
    review_pair_between,
)
from frontline.store.rows import (
    EntityRow,
    EventRow,
    GoldenRow,
    IssueRow,
    LinkRow,
    RecordRef,
    ReviewPairRow,
    RunSummary,
    Scope,
    ScoreRow,
)
from frontline.store.runs import IntegrationRun, fail_run, latest_run, start_run
from frontline.store.schema import current_revision, upgrade
from frontline.store.settings import database_url, safe_url

__all__ = [
    "Base",
    "Entity",
    "EntityEvent",
    "EntityRow",
    "EventRow",
    "GoldenHistory",
    "GoldenRecord",
    "GoldenRow",
    "IdBlock",
    "IdCounter",
    "IntegrationRun",
    "IssueRow",
    "LinkRow",
    "PublishError",
    "PublishReport",
    "Publisher",
    "QualityIssue",
    "QualityScore",
    "RecordLink",
    "RecordRef",
    "ReviewPair",
    "ReviewPairRow",
    "RunSummary",
    "Scope",
    "ScoreRow",
    "allocate_entity_ids",
    "allocate_on",
    "begin_write",
    "canonical_json",
    "create_engine_for",
    "current_revision",
    "database_url",
    "decide_review_pair",
    "entity",
    "events_of_run",
    "fail_run",
    "format_entity_id",
    "golden_history",
    "golden_record",
    "issue_counts",
    "issues_by_department",
    "known_entities",
    "latest_run",
    "latest_scores",
    "link_counts",
    "links_of_entity",
    "open_review_pairs",
    "publish",
    "register_entity_type",
    "review_decisions",
    "review_pair_between",
    "safe_url",
    "start_run",
    "upgrade",
    "write_session",
    "write_transaction",
]
