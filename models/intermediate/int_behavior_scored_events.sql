{{ config(materialized='view') }}

-- Events that score under a behaviour rule as of the scoring time, with decayed points:
-- occurrence range, spacing and lookback window applied, events after as_of ignored. A model
-- with reset_event_types counts only events after the contact's latest reset (recycling).
-- A view: int_behavior_rule_sums reads it where it sums from all events, and
-- int_lead_tag_scores for models where one event can score under two rules.
with events as (
    select * from {{ ref('int_condition_events') }}
    where not is_removed
),

rules as (
    select * from {{ ref('int_active_behavior_rules') }}
),

resets as (
    select * from {{ ref('int_engagement_resets') }}
),

scored as (
    {{ lead_scoring.behavior_event_points('events', 'rules', 'resets', lead_scoring.as_of()) }}
)

select
    model_id,
    rule_id,
    contact_id,
    event_id,
    occurred_at,
    tags,
    points
from scored
where is_in_window
