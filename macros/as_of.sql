{#- The scoring time: var('as_of') (ISO timestamp, UTC) or the run's start time. -#}
{% macro as_of_text() -%}
    {%- set raw = lead_scoring.setting('as_of') -%}
    {%- if raw is none or (raw | string | trim) == '' -%}
        {{- return(run_started_at.strftime('%Y-%m-%d %H:%M:%S.%f')) -}}
    {%- endif -%}
    {%- set text = raw | string | trim | replace('T', ' ') | replace('Z', '') -%}
    {%- set iso = '^[0-9]{4}-[0-9]{2}-[0-9]{2}( [0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]{1,6})?)?)?$' -%}
    {%- if not modules.re.match(iso, text) -%}
        {{- exceptions.raise_compiler_error(
            "var('as_of') must be an ISO timestamp such as '2026-06-30 00:00:00', got '" ~ raw ~ "'") -}}
    {%- endif -%}
    {{- return(text) -}}
{%- endmacro %}

{% macro as_of() -%}
    {{ lead_scoring.timestamp_literal(lead_scoring.as_of_text()) }}
{%- endmacro %}

{#- One stamp per invocation: marks rows written by this run (watermark for increments). -#}
{% macro run_stamp() -%}
    {{ lead_scoring.timestamp_literal(run_started_at.strftime('%Y-%m-%d %H:%M:%S.%f')) }}
{%- endmacro %}

{#- The newest loaded_at an incremental staging table has processed (1900-01-01 when empty). -#}
{% macro loaded_watermark(relation) -%}
    coalesce((select max(loaded_at) from {{ relation }}), {{ lead_scoring.timestamp_literal('1900-01-01 00:00:00') }})
{%- endmacro %}

{#- The newest run stamp (processed_at) an incremental staging table wrote (1900-01-01 when
    empty): the raw batches changed after it are the ones still to stage. -#}
{% macro staged_progress(relation) -%}
    {%- if 'processed_at' in lead_scoring.column_names(relation) -%}
        coalesce((select max(processed_at) from {{ relation }}), {{ lead_scoring.timestamp_literal('1900-01-01 00:00:00') }})
    {%- else -%}
        {#- a table staged before processed_at existed: every batch is staged once more -#}
        {{ lead_scoring.timestamp_literal('1900-01-01 00:00:00') }}
    {%- endif -%}
{%- endmacro %}

{#- A predicate on loaded_at: the raw rows of the batches `load_batches` (stg_raw__load_batches)
    saw change for `source_table` after `progress`, and rows without a stamp. The stamps are
    read when the model runs and written as literals, so the engine skips every other row
    group of the raw table instead of typing all of it first (a subquery is not pushed into
    the scan); with many changed batches, or when not executing, the subquery form is kept.
    A first build reads every batch. -#}
{% macro changed_batches_filter(load_batches, source_table, progress) -%}
    {%- set changed = 'select loaded_at from ' ~ load_batches ~ ' where source_table = '
        ~ lead_scoring.quoted(source_table) ~ ' and changed_at > ' ~ progress -%}
    {%- if not is_incremental() -%}
        {#- a first build stages every batch -#}
        {{- return('1 = 1') -}}
    {%- endif -%}
    {%- set stamps = run_query(changed).columns[0].values() if execute else none -%}
    {%- if stamps is none or stamps | length > 500 -%}
        (loaded_at is null or loaded_at in ({{ changed }}))
    {%- elif stamps | length == 0 -%}
        loaded_at is null
    {%- else -%}
        (loaded_at is null or loaded_at in (
        {%- for stamp in stamps -%}
            {%- set text = stamp.strftime('%Y-%m-%d %H:%M:%S.%f') if stamp.strftime is defined else stamp | string -%}
            {{ lead_scoring.timestamp_literal(text) }}{{ ', ' if not loop.last }}
        {%- endfor -%}
        ))
    {%- endif -%}
{%- endmacro %}
