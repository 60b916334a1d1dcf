-- Per-interest scores, stamped with the scoring time and the rules version.
-- A view: a table would write every row of the intermediate table again on each run
-- (the read copy gets a table).
{{ config(materialized='view') }}

select
    tag_scores.model_id,
    tag_scores.contact_id,
    tag_scores.tag,
    tag_scores.tag_score,
    tag_scores.event_count,
    {{ lead_scoring.as_of() }} as scored_at,
    rules_version.rules_version
from {{ ref('int_lead_tag_scores') }} as tag_scores
cross join {{ ref('int_rules_version') }} as rules_version
