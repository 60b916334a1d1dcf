-- Why each lead has its score: one row per (model, contact, rule) that contributed,
-- stamped with the scoring time and the rules it was computed with.
-- A view: a table would write every row of the intermediate table again on each run
-- (the read copy gets a table).
{{ config(materialized='view') }}

select
    contributions.model_id,
    contributions.contact_id,
    contributions.rule_id,
    contributions.rule_kind,
    contributions.points,
    contributions.event_count,
    {{ lead_scoring.as_of() }} as scored_at,
    rules_version.rules_version,
    contributions.score_part
from {{ ref('int_lead_score_contributions') }} as contributions
cross join {{ ref('int_rules_version') }} as rules_version
