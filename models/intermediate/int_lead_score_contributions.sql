-- One row per (model, known contact, rule) that contributed, rounded for stable output.
-- Attribute rows sum to fit_score, behaviour and absence rows to engagement_score.
with contributions as (
    select * from {{ ref('int_attribute_contributions') }}
    union all
    select * from {{ ref('int_behavior_contributions') }}
    union all
    select * from {{ ref('int_absence_contributions') }}
)

select
    contributions.model_id,
    contributions.contact_id,
    contributions.rule_id,
    contributions.rule_kind,
    cast(round(contributions.points, 6) as {{ lead_scoring.type_double() }}) as points,
    cast(contributions.event_count as {{ dbt.type_int() }}) as event_count
from contributions
inner join {{ ref('stg_raw__contacts') }} as contacts
    on contributions.contact_id = contacts.contact_id
