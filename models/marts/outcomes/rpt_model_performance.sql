-- How well each model's score separates leads won after as_of from the rest.
-- roc_auc is the Mann-Whitney statistic: the probability that a random won lead outscores a
-- random other lead, ties counting half (average ranks). The top decile is the best
-- ceil(leads / 10) evaluated leads by score_rank.
with ranked as (
    select
        model_id,
        case when is_won then 1 else 0 end as won,
        -- average rank of the score among the model's evaluated leads (ascending, ties share)
        rank() over (partition by model_id order by score)
        + (count(*) over (partition by model_id, score) - 1) / 2.0 as score_rank_avg,
        row_number() over (partition by model_id order by score_rank) as position
    from {{ ref('fct_evaluated_lead_scores') }}
),

totals as (
    select
        model_id,
        count(*) as leads,
        sum(won) as won,
        sum(case when won = 1 then score_rank_avg else 0 end) as won_rank_sum
    from ranked
    group by model_id
),

top_decile as (
    select
        ranked.model_id,
        count(*) as leads,
        sum(ranked.won) as won
    from ranked
    inner join totals
        on ranked.model_id = totals.model_id
    where ranked.position <= ceiling(totals.leads / 10.0)
    group by ranked.model_id
)

select
    models.model_id,
    cast(coalesce(totals.leads, 0) as {{ dbt.type_bigint() }}) as leads,
    cast(coalesce(totals.won, 0) as {{ dbt.type_bigint() }}) as won,
    cast(
        case when totals.leads > 0 then totals.won * 1.0 / totals.leads end
        as {{ lead_scoring.type_double() }}
    ) as conversion_rate,
    cast(
        case
            when totals.won > 0 and totals.won < totals.leads
                then (totals.won_rank_sum - totals.won * (totals.won + 1) / 2.0)
                    / (totals.won * 1.0 * (totals.leads - totals.won))
        end as {{ lead_scoring.type_double() }}
    ) as roc_auc,
    cast(coalesce(top_decile.leads, 0) as {{ dbt.type_bigint() }}) as top_decile_leads,
    cast(coalesce(top_decile.won, 0) as {{ dbt.type_bigint() }}) as top_decile_won,
    cast(
        case when top_decile.leads > 0 then top_decile.won * 1.0 / top_decile.leads end
        as {{ lead_scoring.type_double() }}
    ) as top_decile_conversion_rate,
    cast(
        case
            when totals.won > 0
                then (top_decile.won * 1.0 / top_decile.leads) / (totals.won * 1.0 / totals.leads)
        end as {{ lead_scoring.type_double() }}
    ) as top_decile_lift,
    {{ lead_scoring.as_of() }} as scored_at
from {{ ref('int_active_scoring_models') }} as models
left join totals
    on models.model_id = totals.model_id
left join top_decile
    on models.model_id = top_decile.model_id
