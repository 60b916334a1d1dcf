-- One row per (model, rule) whose rule group is active: the group and its limits, which
-- int_lead_score_contributions applies to the total of the group's rules per contact
-- (validation: a group's rules are all fit or all engagement).
{{ config(materialized='view') }}

with rules as (
    select
        model_id,
        rule_id,
        group_id
    from {{ ref('stg_rules__attribute_rules') }}
    union all
    select
        model_id,
        rule_id,
        group_id
    from {{ ref('stg_rules__behavior_rules') }}
    union all
    select
        model_id,
        rule_id,
        group_id
    from {{ ref('stg_rules__absence_rules') }}
)

select
    rules.model_id,
    rules.rule_id,
    groups.group_id,
    groups.min_points,
    groups.max_points
from rules
inner join {{ ref('stg_rules__rule_groups') }} as groups
    on rules.model_id = groups.model_id and rules.group_id = groups.group_id
where groups.is_active
