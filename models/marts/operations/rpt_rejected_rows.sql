{{ config(materialized='view') }}

-- Raw rows that cannot be used, with the reason and their original values.
select
    source_table,
    record_id,
    reason,
    loaded_at,
    raw_values
from {{ ref('stg_raw__rejected_rows') }}
