-- Band changes from the score history: the feed for alerts and hand-over to sales. Entering
-- sales-ready, leaving it and re-qualifying are all events; a lead's first version counts as
-- an event only when it starts sales-ready.
with versions as (
    select
        history.model_id,
        history.contact_id,
        history.band,
        history.is_sales_ready,
        history.valid_from,
        lag(history.band) over (
            partition by history.model_id, history.contact_id order by history.valid_from
        ) as previous_band
    from {{ ref('fct_lead_score_history') }} as history
),

changes as (
    select * from versions
    where
        (previous_band is null and is_sales_ready)
        or previous_band <> band
)

select
    changes.model_id,
    changes.contact_id,
    changes.previous_band as from_band,
    changes.band as to_band,
    case
        when changes.previous_band is null then 'up'
        when to_bands.min_score < from_bands.min_score then 'down'
        else 'up'
    end as direction,
    changes.valid_from as changed_at,
    changes.is_sales_ready
from changes
left join {{ ref('stg_rules__score_bands') }} as from_bands
    on
        changes.model_id = from_bands.model_id
        and changes.previous_band = from_bands.band
left join {{ ref('stg_rules__score_bands') }} as to_bands
    on
        changes.model_id = to_bands.model_id
        and changes.band = to_bands.band
