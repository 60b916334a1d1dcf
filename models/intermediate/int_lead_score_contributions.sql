-- One row per (model, known contact, rule) that contributed, rounded for stable output, plus
-- one group_limit row per rule group whose limits clipped the total of its rules (rule_id =
-- the group id, points = the adjustment). Rows with score_part 'fit' sum to fit_score, those
-- with 'engagement' to engagement_score. Each contributions model keeps known contacts only.
with contributions as (
    select * from {{ ref('int_attribute_contributions') }}
    union all
    select * from {{ ref('int_behavior_contributions') }}
    union all
    select * from {{ ref('int_absence_contributions') }}
),

rule_rows as (
    select
        contributions.model_id,
        contributions.contact_id,
        contributions.rule_id,
        contributions.rule_kind,
        case when contributions.rule_kind = 'attribute' then 'fit' else 'engagement' end as score_part,
        cast(round(contributions.points, 6) as {{ lead_scoring.type_double() }}) as points,
        cast(contributions.event_count as {{ dbt.type_int() }}) as event_count
    from contributions
),

group_totals as (
    -- clipped on the rounded rule points, so the rows still add up exactly
    select
        rule_rows.model_id,
        rule_rows.contact_id,
        rule_groups.group_id,
        max(rule_rows.score_part) as score_part,
        max(rule_groups.min_points) as min_points,
        max(rule_groups.max_points) as max_points,
        sum(rule_rows.points) as total,
        count(*) as rule_count
    from rule_rows
    inner join {{ ref('int_grouped_rules') }} as rule_groups
        on rule_rows.model_id = rule_groups.model_id and rule_rows.rule_id = rule_groups.rule_id
    group by rule_rows.model_id, rule_rows.contact_id, rule_groups.group_id
),

group_limits as (
    select
        model_id,
        contact_id,
        group_id as rule_id,
        'group_limit' as rule_kind,
        score_part,
        cast(round(case
            when max_points is not null and total > max_points then max_points - total
            when min_points is not null and total < min_points then min_points - total
            else 0
        end, 6) as {{ lead_scoring.type_double() }}) as points,
        cast(rule_count as {{ dbt.type_int() }}) as event_count
    from group_totals
)

select * from rule_rows
union all
select * from group_limits
where points <> 0
