{{ config(materialized='view') }}

-- Anonymous events still waiting for raw.identities to name their contact. They are kept,
-- unscored, and scored on the first build after their identity arrives.
select
    anonymous_id,
    count(*) as pending_events,
    min(occurred_at) as first_occurred_at,
    max(occurred_at) as last_occurred_at,
    min(loaded_at) as first_loaded_at
from {{ ref('stg_raw__interactions') }}
where contact_id is null
group by anonymous_id
