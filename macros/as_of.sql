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
