-- Conversion by band: of the leads evaluated at as_of (existing, not yet won), how many were won
-- afterwards, and how fast. Every band of every active model appears, empty ones with 0 leads.
with bands as (
    select
        bands.model_id,
        bands.band,
        bands.min_score,
        bands.is_sales_ready
    from {{ ref('stg_rules__score_bands') }} as bands
    inner join {{ ref('int_active_scoring_models') }} as models
        on bands.model_id = models.model_id
),

per_band as (
    select
        model_id,
        band,
        count(*) as leads,
        sum(case when is_won then 1 else 0 end) as won,
        {{ lead_scoring.median('days_to_won') }} as median_days_to_won
    from {{ ref('fct_evaluated_lead_scores') }}
    group by model_id, band
)

select
    bands.model_id,
    bands.band,
    cast(bands.min_score as {{ lead_scoring.type_double() }}) as min_score,
    bands.is_sales_ready,
    cast(coalesce(per_band.leads, 0) as {{ dbt.type_bigint() }}) as leads,
    cast(coalesce(per_band.won, 0) as {{ dbt.type_bigint() }}) as won,
    cast(
        case when per_band.leads > 0 then per_band.won * 1.0 / per_band.leads end
        as {{ lead_scoring.type_double() }}
    ) as conversion_rate,
    cast(per_band.median_days_to_won as {{ lead_scoring.type_double() }}) as median_days_to_won,
    {{ lead_scoring.as_of() }} as scored_at
from bands
left join per_band
    on bands.model_id = per_band.model_id and bands.band = per_band.band
