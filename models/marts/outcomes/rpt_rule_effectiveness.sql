-- Per active rule: does matching it predict a win after as_of? Counts are over the leads
-- evaluated at as_of; a lead "matched" the rule when the rule contributed to its score.
-- Weights of evidence use +0.5 smoothing in every cell, so rules matching no won (or no lost)
-- lead still get finite values; suggested_points is the smoothed log odds ratio of matched
-- versus unmatched leads, scaled so that var points_to_double_odds points double the odds.
with rules as (
    select
        model_id,
        rule_id,
        'attribute' as rule_kind,
        points,
        description
    from {{ ref('int_active_attribute_rules') }}
    union all
    select
        model_id,
        rule_id,
        'behavior' as rule_kind,
        points,
        description
    from {{ ref('int_active_behavior_rules') }}
    union all
    select
        model_id,
        rule_id,
        'absence' as rule_kind,
        points,
        description
    from {{ ref('int_active_absence_rules') }}
),

evaluated as (
    select
        contact_id,
        case when is_won then 1 else 0 end as won
    from {{ ref('int_lead_outcomes') }}
    where is_evaluated
),

population as (
    select
        count(*) as leads,
        sum(won) as won
    from evaluated
),

matched as (
    select
        contributions.model_id,
        contributions.rule_id,
        count(*) as leads,
        sum(evaluated.won) as won
    from {{ ref('fct_lead_score_contributions') }} as contributions
    inner join evaluated
        on contributions.contact_id = evaluated.contact_id
    group by contributions.model_id, contributions.rule_id
),

cells as (
    select
        rules.model_id,
        rules.rule_id,
        rules.rule_kind,
        rules.description,
        rules.points,
        coalesce(matched.leads, 0) as leads_with,
        coalesce(matched.won, 0) as won_with,
        population.leads - coalesce(matched.leads, 0) as leads_without,
        coalesce(population.won, 0) - coalesce(matched.won, 0) as won_without,
        population.leads as leads_total,
        coalesce(population.won, 0) as won_total
    from rules
    cross join population
    left join matched
        on rules.model_id = matched.model_id and rules.rule_id = matched.rule_id
),

evidence as (
    select
        *,
        -- smoothed share of all won / all not-won leads that fall in each cell
        (won_with + 0.5) / (won_total + 1.0) as won_share_with,
        (leads_with - won_with + 0.5) / (leads_total - won_total + 1.0) as lost_share_with,
        (won_without + 0.5) / (won_total + 1.0) as won_share_without,
        (leads_without - won_without + 0.5) / (leads_total - won_total + 1.0) as lost_share_without
    from cells
),

weights as (
    select
        *,
        ln(won_share_with / lost_share_with) as woe_with,
        ln(won_share_without / lost_share_without) as woe_without
    from evidence
)

select
    model_id,
    rule_id,
    rule_kind,
    description,
    cast(points as {{ lead_scoring.type_double() }}) as points,
    cast(leads_with as {{ dbt.type_bigint() }}) as leads_matched,
    cast(won_with as {{ dbt.type_bigint() }}) as won_matched,
    cast(
        case when leads_with > 0 then won_with * 1.0 / leads_with end as {{ lead_scoring.type_double() }}
    ) as won_rate_with,
    cast(leads_without as {{ dbt.type_bigint() }}) as leads_unmatched,
    cast(won_without as {{ dbt.type_bigint() }}) as won_unmatched,
    cast(
        case when leads_without > 0 then won_without * 1.0 / leads_without end as {{ lead_scoring.type_double() }}
    ) as won_rate_without,
    cast(
        case
            when leads_with > 0 and won_total > 0 then (won_with * 1.0 / leads_with) / (won_total * 1.0 / leads_total)
        end
        as {{ lead_scoring.type_double() }}
    ) as lift,
    cast(woe_with as {{ lead_scoring.type_double() }}) as weight_of_evidence,
    cast(
        (won_share_with - lost_share_with) * woe_with + (won_share_without - lost_share_without) * woe_without
        as {{ lead_scoring.type_double() }}
    ) as information_value,
    cast(
        case
            when leads_with = 0 or leads_without = 0 then null
            when abs({{ lead_scoring.setting('points_to_double_odds') }} / ln(2.0) * (woe_with - woe_without)) < 0.5
                then 0
            else round({{ lead_scoring.setting('points_to_double_odds') }} / ln(2.0) * (woe_with - woe_without), 0)
        end as {{ lead_scoring.type_double() }}
    ) as suggested_points,
    {{ lead_scoring.as_of() }} as scored_at
from weights
