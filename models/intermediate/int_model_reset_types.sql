{{ config(materialized='view') }}

-- The reset event types of each active model (scoring_models.reset_event_types), one per row.
select distinct
    model_id,
    trim(listed_type) as reset_event_type
from (
    select
        model_id,
        {{ lead_scoring.explode_csv_list(dbt.replace('reset_event_types', "'|'", "','")) }} as listed_type
    from {{ ref('int_active_scoring_models') }}
    where reset_event_types is not null
) as exploded
where trim(listed_type) <> ''
