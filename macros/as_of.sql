{#- The scoring time: var('as_of') (ISO timestamp, UTC), else the environment variable
    LEAD_SCORING_AS_OF, else the run's start time. The variable is read at run time only: a new
    value does not make dbt parse the project again, as any change of --vars does (4-10 s here). -#}
{% macro as_of_text() -%}
    {%- set raw = lead_scoring.setting('as_of') -%}
    {%- set given_by = "var('as_of')" -%}
    {%- if (raw is none or (raw | string | trim) == '') and execute -%}
        {%- set raw = env_var('LEAD_SCORING_AS_OF', '') -%}
        {%- set given_by = 'LEAD_SCORING_AS_OF' -%}
    {%- endif -%}
    {%- if raw is none or (raw | string | trim) == '' -%}
        {{- return(lead_scoring.timestamp_text(run_started_at)) -}}
    {%- endif -%}
    {%- set text = raw | string | trim | replace('T', ' ') | replace('Z', '') -%}
    {%- set iso = '^[0-9]{4}-[0-9]{2}-[0-9]{2}( [0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]{1,6})?)?)?$' -%}
    {%- if not modules.re.match(iso, text) -%}
        {{- exceptions.raise_compiler_error(
            given_by ~ " must be an ISO timestamp such as '2026-06-30 00:00:00', got '" ~ raw ~ "'") -}}
    {%- endif -%}
    {{- return(text) -}}
{%- endmacro %}

{#- A timestamp as ISO text with microseconds; a value that is already text (some adapters'
    query results) is kept as it is. -#}
{% macro timestamp_text(value) -%}
    {{- return(value.strftime('%Y-%m-%d %H:%M:%S.%f') if value.strftime is defined else value | string) -}}
{%- endmacro %}

{% macro as_of() -%}
    {{ lead_scoring.timestamp_literal(lead_scoring.as_of_text()) }}
{%- endmacro %}

{#- One stamp per invocation: marks rows written by this run (watermark for increments). -#}
{% macro run_stamp() -%}
    {{ lead_scoring.timestamp_literal(lead_scoring.timestamp_text(run_started_at)) }}
{%- endmacro %}

{#- The newest loaded_at an incremental staging table has processed (1900-01-01 when empty). -#}
{% macro loaded_watermark(relation) -%}
    {{ lead_scoring.stored_max(relation, 'loaded_at') }}
{%- endmacro %}

{#- The newest run stamp (processed_at) an incremental staging table wrote (1900-01-01 when
    empty): the raw batches changed after it are the ones still to stage. -#}
{% macro staged_progress(relation) -%}
    {%- if 'processed_at' in lead_scoring.column_names(relation) -%}
        {{ lead_scoring.stored_max(relation, 'processed_at') }}
    {%- else -%}
        {#- a table staged before processed_at existed: every batch is staged once more -#}
        {{ lead_scoring.timestamp_literal('1900-01-01 00:00:00') }}
    {%- endif -%}
{%- endmacro %}

{#- A predicate on loaded_at: the raw rows of the batches `load_batches` (stg_raw__load_batches)
    saw change for `source_table` after `progress`, and rows without a stamp. The stamps are
    read when the model runs and written as literals, so the engine skips every other row
    group of the raw table instead of typing all of it first (a subquery is not pushed into
    the scan); with more changed batches than the setting max_literal_load_stamps, or when
    not executing, the subquery form is kept. A first build reads every batch. -#}
{% macro changed_batches_filter(load_batches, source_table, progress) -%}
    {%- set changed = 'select loaded_at from ' ~ load_batches ~ ' where source_table = '
        ~ lead_scoring.quoted(source_table) ~ ' and changed_at > ' ~ progress -%}
    {%- if not is_incremental() -%}
        {#- a first build stages every batch -#}
        {{- return('1 = 1') -}}
    {%- endif -%}
    {%- set stamps = run_query(changed).columns[0].values() if execute else none -%}
    {%- if stamps is none or stamps | length > lead_scoring.setting('max_literal_load_stamps') | int -%}
        (loaded_at is null or loaded_at in ({{ changed }}))
    {%- elif stamps | length == 0 -%}
        loaded_at is null
    {%- else -%}
        (loaded_at is null or loaded_at in (
        {%- for stamp in stamps -%}
            {{ lead_scoring.timestamp_literal(lead_scoring.timestamp_text(stamp)) }}{{ ', ' if not loop.last }}
        {%- endfor -%}
        ))
    {%- endif -%}
{%- endmacro %}

{#- The newest value of a timestamp column of a stored table as ISO text, none when the table
    is empty or when not executing (parsing). -#}
{% macro stored_max_text(relation, column) -%}
    {%- if not execute -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set value = run_query('select max(' ~ column ~ ') from ' ~ relation).columns[0].values()[0] -%}
    {%- if value is none -%}
        {{- return(none) -}}
    {%- endif -%}
    {{- return(lead_scoring.timestamp_text(value)) -}}
{%- endmacro %}

{#- The same as a timestamp literal (1900-01-01 when empty): a comparison with a literal is
    pushed into the scan (row groups skipped by their min/max, other columns read only for
    matching rows), a comparison with a subquery makes the engine read every row first. When
    not executing, the subquery form. -#}
{% macro stored_max(relation, column) -%}
    {%- if not execute -%}
        {{- return('coalesce((select max(' ~ column ~ ') from ' ~ relation ~ '), '
            ~ lead_scoring.timestamp_literal_or_floor(none) ~ ')') -}}
    {%- endif -%}
    {{- return(lead_scoring.timestamp_literal_or_floor(lead_scoring.stored_max_text(relation, column))) -}}
{%- endmacro %}

{#- ISO text (stored_max_text's) as a timestamp literal; none (an empty table) is 1900-01-01. -#}
{% macro timestamp_literal_or_floor(text) -%}
    {{- return(lead_scoring.timestamp_literal('1900-01-01 00:00:00' if text is none else text)) -}}
{%- endmacro %}

{#- True unless this run's as_of is at or before `text` (stored_max_text's ISO text; none, an
    empty table, counts as moved). True when not executing. -#}
{% macro as_of_moved_since(text) -%}
    {%- if not execute or text is none -%}
        {{- return(true) -}}
    {%- endif -%}
    {%- set dt = modules.datetime.datetime -%}
    {{- return(dt.fromisoformat(lead_scoring.as_of_text()) > dt.fromisoformat(text)) -}}
{%- endmacro %}

{#- A predicate on a timestamp column, true for every event whose age crossed one of the
    rules' lookbacks (a distinct lookback_days of rules_relation) between from_text and to_text:
    occurred_at in (from - lookback, to - lookback], widened by a day on each side. It only
    narrows the scan: the exact test stays with the rules. False when to_text is not after
    from_text (nothing can have left a window). The lookbacks are read when the model runs and
    written as literals, so the engine skips what is outside the ranges. -#}
{% macro lookback_crossed_filter(column, rules_relation, from_text, to_text) -%}
    {%- if not execute or from_text is none -%}
        {{- return('1 = 1') -}}
    {%- endif -%}
    {%- set dt = modules.datetime -%}
    {%- set start = dt.datetime.fromisoformat(from_text) -%}
    {%- set end = dt.datetime.fromisoformat(to_text) -%}
    {%- set lookbacks = run_query('select distinct lookback_days from ' ~ rules_relation
        ~ ' where lookback_days is not null').columns[0].values() -%}
    {%- if end <= start or lookbacks | length == 0 -%}
        {{- return('1 = 0') -}}
    {%- endif -%}
    {%- set ranges = [] -%}
    {%- for days in lookbacks -%}
        {%- set low = start - dt.timedelta(days=(days | float) + 1) -%}
        {%- set high = end - dt.timedelta(days=(days | float) - 1) -%}
        {%- do ranges.append('(' ~ column ~ ' > ' ~ lead_scoring.timestamp_literal(lead_scoring.timestamp_text(low))
            ~ ' and ' ~ column ~ ' <= ' ~ lead_scoring.timestamp_literal(lead_scoring.timestamp_text(high)) ~ ')') -%}
    {%- endfor -%}
    {{- return('(' ~ ranges | join(' or ') ~ ')') -}}
{%- endmacro %}
