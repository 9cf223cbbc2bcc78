
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'licusage' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'licusage'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'licusage' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/licusage/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format, before the subcommand; each subcommand that renders takes its own --format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the table (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Timeout per request, e.g. 30s, 2m [default: 30s]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout per request, e.g. 30s, 2m [default: 30s]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as --format json')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr (secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('record', 'record', [CompletionResultType]::ParameterValue, 'Take a snapshot of all sources and append it to the history store (for cron)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a completion script: bash, zsh, fish, powershell, elvish')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, '`config path` prints the config file path; `config check` validates it')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'A long-running Prometheus exporter: /metrics, /healthz, /records')
            [CompletionResult]::new('notify', 'notify', [CompletionResultType]::ParameterValue, 'Send what changed (status, sources failing, deadlines) to the [notify] channels (for cron)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Read every configured source (or those named by --source) and render the records')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Evaluate thresholds and expiry; monitoring-plugin output and exit codes')
            [CompletionResult]::new('history', 'history', [CompletionResultType]::ParameterValue, 'Usage over time per series: sparkline, trend, forecast of exhaustion')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Compare two saved JSON outputs (`show --format json`): what changed, per series')
            [CompletionResult]::new('sources', 'sources', [CompletionResultType]::ParameterValue, 'List the configured sources and the supported kinds')
            [CompletionResult]::new('report', 'report', [CompletionResultType]::ParameterValue, 'A self-contained HTML (or Markdown) report with charts, prices and renewals')
            [CompletionResult]::new('plan', 'plan', [CompletionResultType]::ParameterValue, 'Renewal decisions: peak, p95, recommended limit, what it saves, and by when to say so')
            [CompletionResult]::new('4d', '4d', [CompletionResultType]::ParameterValue, 'One-off read: 4D Server `License usage` collection (served by an exposed function, or exported)')
            [CompletionResult]::new('veeva', 'veeva', [CompletionResultType]::ParameterValue, 'One-off read: Veeva Vault application licenses (GET /api/{version}/objects/licenses)')
            [CompletionResult]::new('onlyoffice', 'onlyoffice', [CompletionResultType]::ParameterValue, 'One-off read: ONLYOFFICE Docs license and user quota (command service, {"c":"license"})')
            [CompletionResult]::new('leegality', 'leegality', [CompletionResultType]::ParameterValue, 'One-off read: Leegality license usage statistics (GET /api/v1/licenses/{id}/usage-statistics)')
            [CompletionResult]::new('cpod', 'cpod', [CompletionResultType]::ParameterValue, 'One-off read: cPod software licenses and seat assignments (GET /api/v1/licenses)')
            [CompletionResult]::new('flexlm', 'flexlm', [CompletionResultType]::ParameterValue, 'One-off read: FlexNet Publisher (FlexLM) license servers: `lmutil lmstat -a` output, from a file or a command')
            [CompletionResult]::new('rlm', 'rlm', [CompletionResultType]::ParameterValue, 'One-off read: Reprise License Manager (RLM) servers: `rlmutil rlmstat -a` output, from a file or a command')
            [CompletionResult]::new('generic', 'generic', [CompletionResultType]::ParameterValue, 'One-off read: Any JSON API or file, mapped to records by a jq filter')
            [CompletionResult]::new('holders', 'holders', [CompletionResultType]::ParameterValue, 'List who holds the seats (kinds 4d, onlyoffice, cpod, flexlm, rlm, generic)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'licusage;record' {
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'A source name from the config, or a kind for every source of that kind (repeatable)')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'A source name from the config, or a kind for every source of that kind (repeatable)')
            [CompletionResult]::new('--product', '--product', [CompletionResultType]::ParameterName, 'Only records whose product matches this glob (repeatable)')
            [CompletionResult]::new('--metric', '--metric', [CompletionResultType]::ParameterName, 'Only records whose metric matches this glob (repeatable)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/licusage/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the table (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Timeout per request, e.g. 30s, 2m [default: 30s]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout per request, e.g. 30s, 2m [default: 30s]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr (secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'licusage;completions' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/licusage/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the table (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Timeout per request, e.g. 30s, 2m [default: 30s]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout per request, e.g. 30s, 2m [default: 30s]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr (secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'licusage;config' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/licusage/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the table (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Timeout per request, e.g. 30s, 2m [default: 30s]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout per request, e.g. 30s, 2m [default: 30s]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr (secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print the config file path')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Write a commented starter config (every kind, keys commented out) at the config path, mode 0600')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Validate the config file: exit 0 when valid, 2 with the reason when not')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'licusage;config;path' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/licusage/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the table (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Timeout per request, e.g. 30s, 2m [default: 30s]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout per request, e.g. 30s, 2m [default: 30s]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr (secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'licusage;config;init' {
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Write here instead of the config path (--config, LICUSAGE_CONFIG, else the platform config dir)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/licusage/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the table (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Timeout per request, e.g. 30s, 2m [default: 30s]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout per request, e.g. 30s, 2m [default: 30s]')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace a file that is there')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr (secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'licusage;config;check' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/licusage/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the table (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Timeout per request, e.g. 30s, 2m [default: 30s]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout per request, e.g. 30s, 2m [default: 30s]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr (secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'licusage;config;help' {
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print the config file path')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Write a commented starter config (every kind, keys commented out) at the config path, mode 0600')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Validate the config file: exit 0 when valid, 2 with the reason when not')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'licusage;config;help;path' {
            break
        }
        'licusage;config;help;init' {
            break
        }
        'licusage;config;help;check' {
            break
        }
        'licusage;config;help;help' {
            break
        }
        'licusage;serve' {
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'A source name from the config, or a kind for every source of that kind (repeatable)')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'A source name from the config, or a kind for every source of that kind (repeatable)')
            [CompletionResult]::new('--product', '--product', [CompletionResultType]::ParameterName, 'Only records whose product matches this glob (repeatable)')
            [CompletionResult]::new('--metric', '--metric', [CompletionResultType]::ParameterName, 'Only records whose metric matches this glob (repeatable)')
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Address to listen on, host:port [default: [serve] listen, else 127.0.0.1:9873]')
            [CompletionResult]::new('--refresh', '--refresh', [CompletionResultType]::ParameterName, 'How often each source is read, e.g. 5m, 30s [default: [serve] refresh, else 5m]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/licusage/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the table (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Timeout per request, e.g. 30s, 2m [default: 30s]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout per request, e.g. 30s, 2m [default: 30s]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr (secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'licusage;notify' {
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'A source name from the config, or a kind for every source of that kind (repeatable)')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'A source name from the config, or a kind for every source of that kind (repeatable)')
            [CompletionResult]::new('--product', '--product', [CompletionResultType]::ParameterName, 'Only records whose product matches this glob (repeatable)')
            [CompletionResult]::new('--metric', '--metric', [CompletionResultType]::ParameterName, 'Only records whose metric matches this glob (repeatable)')
            [CompletionResult]::new('--idle', '--idle', [CompletionResultType]::ParameterName, 'With --digest: seats unused this many days or more are to reclaim')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/licusage/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the table (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Timeout per request, e.g. 30s, 2m [default: 30s]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout per request, e.g. 30s, 2m [default: 30s]')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print what would be sent; send nothing and remember nothing')
            [CompletionResult]::new('--digest', '--digest', [CompletionResultType]::ParameterName, 'Send the reclaim digest instead: seats idle --idle days or more and what they cost, per source (weekly from cron)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr (secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'licusage;show' {
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'A source name from the config, or a kind for every source of that kind (repeatable)')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'A source name from the config, or a kind for every source of that kind (repeatable)')
            [CompletionResult]::new('--product', '--product', [CompletionResultType]::ParameterName, 'Only records whose product matches this glob (repeatable)')
            [CompletionResult]::new('--metric', '--metric', [CompletionResultType]::ParameterName, 'Only records whose metric matches this glob (repeatable)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format [default: table]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/licusage/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the table (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Timeout per request, e.g. 30s, 2m [default: 30s]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout per request, e.g. 30s, 2m [default: 30s]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as --format json')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr (secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'licusage;check' {
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'A source name from the config, or a kind for every source of that kind (repeatable)')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'A source name from the config, or a kind for every source of that kind (repeatable)')
            [CompletionResult]::new('--product', '--product', [CompletionResultType]::ParameterName, 'Only records whose product matches this glob (repeatable)')
            [CompletionResult]::new('--metric', '--metric', [CompletionResultType]::ParameterName, 'Only records whose metric matches this glob (repeatable)')
            [CompletionResult]::new('--warn', '--warn', [CompletionResultType]::ParameterName, 'Warning at this utilization, in percent [default: 80, or the config''s]')
            [CompletionResult]::new('--crit', '--crit', [CompletionResultType]::ParameterName, 'Critical at this utilization, in percent [default: 95, or the config''s]')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Warning when utilization (in percent) is outside this Nagios range: 80, 10:, ~:80, 10:80, @10:80')
            [CompletionResult]::new('--warning', '--warning', [CompletionResultType]::ParameterName, 'Warning when utilization (in percent) is outside this Nagios range: 80, 10:, ~:80, 10:80, @10:80')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Critical when utilization (in percent) is outside this Nagios range')
            [CompletionResult]::new('--critical', '--critical', [CompletionResultType]::ParameterName, 'Critical when utilization (in percent) is outside this Nagios range')
            [CompletionResult]::new('--warn-free', '--warn-free', [CompletionResultType]::ParameterName, 'Warning when this many seats or fewer are left')
            [CompletionResult]::new('--crit-free', '--crit-free', [CompletionResultType]::ParameterName, 'Critical when this many seats or fewer are left')
            [CompletionResult]::new('--expiry-warn', '--expiry-warn', [CompletionResultType]::ParameterName, 'Warning when the license expires within this many days [default: 30]')
            [CompletionResult]::new('--expiry-crit', '--expiry-crit', [CompletionResultType]::ParameterName, 'Critical when the license expires within this many days [default: 7]')
            [CompletionResult]::new('--denials-warn', '--denials-warn', [CompletionResultType]::ParameterName, 'Warning when a series had this many denials or more since the last check (sources with `log`)')
            [CompletionResult]::new('--denials-crit', '--denials-crit', [CompletionResultType]::ParameterName, 'Critical when a series had this many denials or more since the last check (sources with `log`)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'checkmk: Checkmk''s local-check lines instead of the monitoring-plugin output')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/licusage/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the table (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Timeout per request, e.g. 30s, 2m [default: 30s]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout per request, e.g. 30s, 2m [default: 30s]')
            [CompletionResult]::new('--skip-unknown', '--skip-unknown', [CompletionResultType]::ParameterName, 'Leave out perfdata series whose use is unknown instead of writing U (some graphers reject U)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr (secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'licusage;history' {
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'A source name or a kind, or a glob of them (repeatable)')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'A source name or a kind, or a glob of them (repeatable)')
            [CompletionResult]::new('--product', '--product', [CompletionResultType]::ParameterName, 'Only records whose product matches this glob (repeatable)')
            [CompletionResult]::new('--metric', '--metric', [CompletionResultType]::ParameterName, 'Only records whose metric matches this glob (repeatable)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'How far back, e.g. 30d, 12h, 52w')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format [default: table]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/licusage/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the table (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Timeout per request, e.g. 30s, 2m [default: 30s]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout per request, e.g. 30s, 2m [default: 30s]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as --format json')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr (secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Copy the local SQLite history into a PostgreSQL one, verified by counts (run again: copies only what is new)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'licusage;history;migrate' {
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'The PostgreSQL history: postgres://USER@HOST[:PORT]/DB (no password in it)')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'The SQLite file to copy (default: the config''s [history] path, else the default file)')
            [CompletionResult]::new('--password-env', '--password-env', [CompletionResultType]::ParameterName, 'The server''s password from this environment variable (default: the config''s [history] one)')
            [CompletionResult]::new('--password-command', '--password-command', [CompletionResultType]::ParameterName, 'The server''s password from this command''s output')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/licusage/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the table (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Timeout per request, e.g. 30s, 2m [default: 30s]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout per request, e.g. 30s, 2m [default: 30s]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr (secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'licusage;history;help' {
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Copy the local SQLite history into a PostgreSQL one, verified by counts (run again: copies only what is new)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'licusage;history;help;migrate' {
            break
        }
        'licusage;history;help;help' {
            break
        }
        'licusage;diff' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format [default: table]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/licusage/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the table (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Timeout per request, e.g. 30s, 2m [default: 30s]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout per request, e.g. 30s, 2m [default: 30s]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as --format json')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr (secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'licusage;sources' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format [default: table]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/licusage/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the table (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Timeout per request, e.g. 30s, 2m [default: 30s]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout per request, e.g. 30s, 2m [default: 30s]')
            [CompletionResult]::new('--names', '--names', [CompletionResultType]::ParameterName, 'Only the names: each configured source, then each kind, one per line (for completion scripts)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as --format json')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr (secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'licusage;report' {
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'A source name from the config, or a kind for every source of that kind (repeatable)')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'A source name from the config, or a kind for every source of that kind (repeatable)')
            [CompletionResult]::new('--product', '--product', [CompletionResultType]::ParameterName, 'Only records whose product matches this glob (repeatable)')
            [CompletionResult]::new('--metric', '--metric', [CompletionResultType]::ParameterName, 'Only records whose metric matches this glob (repeatable)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'How far back the charts go, e.g. 90d, 12w')
            [CompletionResult]::new('--idle', '--idle', [CompletionResultType]::ParameterName, 'Seats unused this many days or more are to reclaim')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the report to FILE (replaced whole, never half-written) instead of stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the report to FILE (replaced whole, never half-written) instead of stdout')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format [default: html]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/licusage/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the table (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Timeout per request, e.g. 30s, 2m [default: 30s]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout per request, e.g. 30s, 2m [default: 30s]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr (secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'licusage;plan' {
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'A source name from the config, or a kind for every source of that kind (repeatable)')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'A source name from the config, or a kind for every source of that kind (repeatable)')
            [CompletionResult]::new('--product', '--product', [CompletionResultType]::ParameterName, 'Only records whose product matches this glob (repeatable)')
            [CompletionResult]::new('--metric', '--metric', [CompletionResultType]::ParameterName, 'Only records whose metric matches this glob (repeatable)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'How much history the figures weigh, e.g. 90d, 26w')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format [default: table]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/licusage/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the table (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Timeout per request, e.g. 30s, 2m [default: 30s]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout per request, e.g. 30s, 2m [default: 30s]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as --format json')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr (secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'licusage;4d' {
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Read a saved payload from this file instead of the API (- for stdin)')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Base URL of the vendor API')
            [CompletionResult]::new('--deadline', '--deadline', [CompletionResultType]::ParameterName, 'How long this source''s whole read may take, retries included (default 3 × timeout)')
            [CompletionResult]::new('--token-env', '--token-env', [CompletionResultType]::ParameterName, 'Environment variable holding the API token (sent as Bearer)')
            [CompletionResult]::new('--token-command', '--token-command', [CompletionResultType]::ParameterName, 'Command whose stdout is the API token (sent as Bearer)')
            [CompletionResult]::new('--username', '--username', [CompletionResultType]::ParameterName, 'User name for Basic auth (with the password)')
            [CompletionResult]::new('--login', '--login', [CompletionResultType]::ParameterName, '`directory`: log in with POST /rest/$directory/login (username-4D, password-4D) instead of Basic auth')
            [CompletionResult]::new('--password-env', '--password-env', [CompletionResultType]::ParameterName, 'Environment variable holding the password for Basic auth')
            [CompletionResult]::new('--password-command', '--password-command', [CompletionResultType]::ParameterName, 'Command whose stdout is the password for Basic auth')
            [CompletionResult]::new('--product', '--product', [CompletionResultType]::ParameterName, 'Only records whose product matches this glob (repeatable)')
            [CompletionResult]::new('--metric', '--metric', [CompletionResultType]::ParameterName, 'Only records whose metric matches this glob (repeatable)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format [default: table]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/licusage/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the table (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Timeout per request, e.g. 30s, 2m [default: 30s]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout per request, e.g. 30s, 2m [default: 30s]')
            [CompletionResult]::new('--allow-insecure-http', '--allow-insecure-http', [CompletionResultType]::ParameterName, 'Allow credentials over plain http:// to a non-loopback host')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as --format json')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr (secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'licusage;veeva' {
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Read a saved payload from this file instead of the API (- for stdin)')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Base URL of the vendor API')
            [CompletionResult]::new('--deadline', '--deadline', [CompletionResultType]::ParameterName, 'How long this source''s whole read may take, retries included (default 3 × timeout)')
            [CompletionResult]::new('--api-version', '--api-version', [CompletionResultType]::ParameterName, 'Vault API version, e.g. v25.3')
            [CompletionResult]::new('--session-id-env', '--session-id-env', [CompletionResultType]::ParameterName, 'Environment variable holding the Vault session id')
            [CompletionResult]::new('--session-id-command', '--session-id-command', [CompletionResultType]::ParameterName, 'Command whose stdout is the Vault session id')
            [CompletionResult]::new('--username', '--username', [CompletionResultType]::ParameterName, 'User name for a Vault login (with the password)')
            [CompletionResult]::new('--password-env', '--password-env', [CompletionResultType]::ParameterName, 'Environment variable holding the Vault password')
            [CompletionResult]::new('--password-command', '--password-command', [CompletionResultType]::ParameterName, 'Command whose stdout is the Vault password')
            [CompletionResult]::new('--oauth-profile-id', '--oauth-profile-id', [CompletionResultType]::ParameterName, 'Vault OAuth 2.0 / OpenID Connect profile id, for SSO-only Vaults (with an access token)')
            [CompletionResult]::new('--access-token-env', '--access-token-env', [CompletionResultType]::ParameterName, 'Environment variable holding the identity provider''s access token for the OAuth profile')
            [CompletionResult]::new('--access-token-command', '--access-token-command', [CompletionResultType]::ParameterName, 'Command whose stdout is the identity provider''s access token for the OAuth profile')
            [CompletionResult]::new('--login-url', '--login-url', [CompletionResultType]::ParameterName, 'Vault''s login service for OAuth sessions (default https://login.veevavault.com)')
            [CompletionResult]::new('--client-id', '--client-id', [CompletionResultType]::ParameterName, 'X-VaultAPI-ClientID sent with every call, which Vault logs (default licusage)')
            [CompletionResult]::new('--product', '--product', [CompletionResultType]::ParameterName, 'Only records whose product matches this glob (repeatable)')
            [CompletionResult]::new('--metric', '--metric', [CompletionResultType]::ParameterName, 'Only records whose metric matches this glob (repeatable)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format [default: table]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/licusage/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the table (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Timeout per request, e.g. 30s, 2m [default: 30s]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout per request, e.g. 30s, 2m [default: 30s]')
            [CompletionResult]::new('--allow-insecure-http', '--allow-insecure-http', [CompletionResultType]::ParameterName, 'Allow credentials over plain http:// to a non-loopback host')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as --format json')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr (secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'licusage;onlyoffice' {
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Read a saved payload from this file instead of the API (- for stdin)')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Base URL of the vendor API')
            [CompletionResult]::new('--deadline', '--deadline', [CompletionResultType]::ParameterName, 'How long this source''s whole read may take, retries included (default 3 × timeout)')
            [CompletionResult]::new('--jwt-secret-env', '--jwt-secret-env', [CompletionResultType]::ParameterName, 'Environment variable holding the ONLYOFFICE JWT secret')
            [CompletionResult]::new('--jwt-secret-command', '--jwt-secret-command', [CompletionResultType]::ParameterName, 'Command whose stdout is the ONLYOFFICE JWT secret')
            [CompletionResult]::new('--jwt-header', '--jwt-header', [CompletionResultType]::ParameterName, 'Header that carries the ONLYOFFICE JWT (default Authorization)')
            [CompletionResult]::new('--info-url', '--info-url', [CompletionResultType]::ParameterName, 'The server''s /info/info.json, for the connections in use (answered to allowed hosts only)')
            [CompletionResult]::new('--info-file', '--info-file', [CompletionResultType]::ParameterName, 'A saved /info/info.json, for the connections in use')
            [CompletionResult]::new('--product', '--product', [CompletionResultType]::ParameterName, 'Only records whose product matches this glob (repeatable)')
            [CompletionResult]::new('--metric', '--metric', [CompletionResultType]::ParameterName, 'Only records whose metric matches this glob (repeatable)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format [default: table]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/licusage/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the table (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Timeout per request, e.g. 30s, 2m [default: 30s]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout per request, e.g. 30s, 2m [default: 30s]')
            [CompletionResult]::new('--allow-insecure-http', '--allow-insecure-http', [CompletionResultType]::ParameterName, 'Allow credentials over plain http:// to a non-loopback host')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as --format json')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr (secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'licusage;leegality' {
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Read a saved payload from this file instead of the API (- for stdin)')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Base URL of the vendor API')
            [CompletionResult]::new('--deadline', '--deadline', [CompletionResultType]::ParameterName, 'How long this source''s whole read may take, retries included (default 3 × timeout)')
            [CompletionResult]::new('--license-id', '--license-id', [CompletionResultType]::ParameterName, 'Leegality license id')
            [CompletionResult]::new('--environment', '--environment', [CompletionResultType]::ParameterName, 'Leegality environment: production or sandbox')
            [CompletionResult]::new('--token-env', '--token-env', [CompletionResultType]::ParameterName, 'Environment variable holding the Leegality API token (sent as X-Auth-Token)')
            [CompletionResult]::new('--token-command', '--token-command', [CompletionResultType]::ParameterName, 'Command whose stdout is the Leegality API token (sent as X-Auth-Token)')
            [CompletionResult]::new('--client-id', '--client-id', [CompletionResultType]::ParameterName, 'SignStation client id, for a Bearer token from {url}/api/v1/auth/token')
            [CompletionResult]::new('--client-secret-env', '--client-secret-env', [CompletionResultType]::ParameterName, 'Environment variable holding the SignStation client secret')
            [CompletionResult]::new('--client-secret-command', '--client-secret-command', [CompletionResultType]::ParameterName, 'Command whose stdout is the SignStation client secret')
            [CompletionResult]::new('--product', '--product', [CompletionResultType]::ParameterName, 'Only records whose product matches this glob (repeatable)')
            [CompletionResult]::new('--metric', '--metric', [CompletionResultType]::ParameterName, 'Only records whose metric matches this glob (repeatable)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format [default: table]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/licusage/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the table (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Timeout per request, e.g. 30s, 2m [default: 30s]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout per request, e.g. 30s, 2m [default: 30s]')
            [CompletionResult]::new('--allow-insecure-http', '--allow-insecure-http', [CompletionResultType]::ParameterName, 'Allow credentials over plain http:// to a non-loopback host')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as --format json')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr (secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'licusage;cpod' {
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Read a saved payload from this file instead of the API (- for stdin)')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Base URL of the vendor API')
            [CompletionResult]::new('--deadline', '--deadline', [CompletionResultType]::ParameterName, 'How long this source''s whole read may take, retries included (default 3 × timeout)')
            [CompletionResult]::new('--token-env', '--token-env', [CompletionResultType]::ParameterName, 'Environment variable holding the cPod API token')
            [CompletionResult]::new('--token-command', '--token-command', [CompletionResultType]::ParameterName, 'Command whose stdout is the cPod API token')
            [CompletionResult]::new('--client-id', '--client-id', [CompletionResultType]::ParameterName, 'CPod client id for the client-credentials flow')
            [CompletionResult]::new('--client-secret-env', '--client-secret-env', [CompletionResultType]::ParameterName, 'Environment variable holding the cPod client secret')
            [CompletionResult]::new('--client-secret-command', '--client-secret-command', [CompletionResultType]::ParameterName, 'Command whose stdout is the cPod client secret')
            [CompletionResult]::new('--token-url', '--token-url', [CompletionResultType]::ParameterName, 'Token endpoint of the client-credentials flow (default {url}/v1/oauth/token)')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Scope asked for in the client-credentials flow')
            [CompletionResult]::new('--assignments-file', '--assignments-file', [CompletionResultType]::ParameterName, 'Read the cPod assignments payload from this file (- for stdin)')
            [CompletionResult]::new('--product', '--product', [CompletionResultType]::ParameterName, 'Only records whose product matches this glob (repeatable)')
            [CompletionResult]::new('--metric', '--metric', [CompletionResultType]::ParameterName, 'Only records whose metric matches this glob (repeatable)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format [default: table]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/licusage/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the table (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Timeout per request, e.g. 30s, 2m [default: 30s]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout per request, e.g. 30s, 2m [default: 30s]')
            [CompletionResult]::new('--allow-insecure-http', '--allow-insecure-http', [CompletionResultType]::ParameterName, 'Allow credentials over plain http:// to a non-loopback host')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as --format json')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr (secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'licusage;flexlm' {
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Read a saved payload from this file instead of the API (- for stdin)')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Base URL of the vendor API')
            [CompletionResult]::new('--deadline', '--deadline', [CompletionResultType]::ParameterName, 'How long this source''s whole read may take, retries included (default 3 × timeout)')
            [CompletionResult]::new('--log', '--log', [CompletionResultType]::ParameterName, 'The lmgrd debug log (`lmgrd -l`), read for denials, true peaks and checkout time')
            [CompletionResult]::new('--command', '--command', [CompletionResultType]::ParameterName, 'Run this program for the `lmstat -a` output (no shell), e.g. ["lmutil", "lmstat", "-a", "-c", "27000@lic1"] (one string, split into words like a shell''s, no shell run)')
            [CompletionResult]::new('--expiry-file', '--expiry-file', [CompletionResultType]::ParameterName, 'Read the `lmstat -i` output (expiry dates) from this file (- for stdin)')
            [CompletionResult]::new('--expiry-command', '--expiry-command', [CompletionResultType]::ParameterName, 'Run this program for the `lmstat -i` output (expiry dates) (one string, split into words like a shell''s, no shell run)')
            [CompletionResult]::new('--product', '--product', [CompletionResultType]::ParameterName, 'Only records whose product matches this glob (repeatable)')
            [CompletionResult]::new('--metric', '--metric', [CompletionResultType]::ParameterName, 'Only records whose metric matches this glob (repeatable)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format [default: table]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/licusage/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the table (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Timeout per request, e.g. 30s, 2m [default: 30s]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout per request, e.g. 30s, 2m [default: 30s]')
            [CompletionResult]::new('--allow-insecure-http', '--allow-insecure-http', [CompletionResultType]::ParameterName, 'Allow credentials over plain http:// to a non-loopback host')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as --format json')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr (secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'licusage;rlm' {
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Read a saved payload from this file instead of the API (- for stdin)')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Base URL of the vendor API')
            [CompletionResult]::new('--deadline', '--deadline', [CompletionResultType]::ParameterName, 'How long this source''s whole read may take, retries included (default 3 × timeout)')
            [CompletionResult]::new('--command', '--command', [CompletionResultType]::ParameterName, 'Run this program for the `rlmstat -a` output (no shell), e.g. ["rlmutil", "rlmstat", "-a", "-c", "5053@lic1"] (one string, split into words like a shell''s, no shell run)')
            [CompletionResult]::new('--log', '--log', [CompletionResultType]::ParameterName, 'The ISV server''s report log (REPORTLOG, std or small), read for denials, true peaks and checkout time')
            [CompletionResult]::new('--product', '--product', [CompletionResultType]::ParameterName, 'Only records whose product matches this glob (repeatable)')
            [CompletionResult]::new('--metric', '--metric', [CompletionResultType]::ParameterName, 'Only records whose metric matches this glob (repeatable)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format [default: table]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/licusage/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the table (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Timeout per request, e.g. 30s, 2m [default: 30s]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout per request, e.g. 30s, 2m [default: 30s]')
            [CompletionResult]::new('--allow-insecure-http', '--allow-insecure-http', [CompletionResultType]::ParameterName, 'Allow credentials over plain http:// to a non-loopback host')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as --format json')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr (secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'licusage;generic' {
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Read a saved payload from this file instead of the API (- for stdin)')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Base URL of the vendor API')
            [CompletionResult]::new('--deadline', '--deadline', [CompletionResultType]::ParameterName, 'How long this source''s whole read may take, retries included (default 3 × timeout)')
            [CompletionResult]::new('--jq', '--jq', [CompletionResultType]::ParameterName, 'Jq filter yielding {product, metric, used, limit, expires_at?, unit_price?, currency?, details?}')
            [CompletionResult]::new('--holders-jq', '--holders-jq', [CompletionResultType]::ParameterName, 'Jq filter yielding holders {holder, product?, metric?, since?, last_used?, expires_at?, details?}')
            [CompletionResult]::new('--method', '--method', [CompletionResultType]::ParameterName, 'HTTP method: GET (default) or POST')
            [CompletionResult]::new('--body', '--body', [CompletionResultType]::ParameterName, 'Request body for POST (sent as JSON when it parses as JSON)')
            [CompletionResult]::new('--token-env', '--token-env', [CompletionResultType]::ParameterName, 'Environment variable holding the API token')
            [CompletionResult]::new('--token-command', '--token-command', [CompletionResultType]::ParameterName, 'Command whose stdout is the API token')
            [CompletionResult]::new('--auth-header', '--auth-header', [CompletionResultType]::ParameterName, 'Header the token is sent in (default Authorization)')
            [CompletionResult]::new('--auth-scheme', '--auth-scheme', [CompletionResultType]::ParameterName, 'Scheme before the token (default Bearer; "" for none)')
            [CompletionResult]::new('--username', '--username', [CompletionResultType]::ParameterName, 'User name for HTTP Basic authentication')
            [CompletionResult]::new('--password-env', '--password-env', [CompletionResultType]::ParameterName, 'Environment variable holding the Basic authentication password')
            [CompletionResult]::new('--password-command', '--password-command', [CompletionResultType]::ParameterName, 'Command whose stdout is the Basic authentication password')
            [CompletionResult]::new('--client-id', '--client-id', [CompletionResultType]::ParameterName, 'Client id for the OAuth2 client-credentials flow')
            [CompletionResult]::new('--client-secret-env', '--client-secret-env', [CompletionResultType]::ParameterName, 'Environment variable holding the OAuth2 client secret')
            [CompletionResult]::new('--client-secret-command', '--client-secret-command', [CompletionResultType]::ParameterName, 'Command whose stdout is the OAuth2 client secret')
            [CompletionResult]::new('--token-url', '--token-url', [CompletionResultType]::ParameterName, 'Token endpoint of the OAuth2 client-credentials flow')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Scope asked for in the client-credentials flow')
            [CompletionResult]::new('--next', '--next', [CompletionResultType]::ParameterName, 'Jq giving the next page''s URL (null on the last page), e.g. ."@odata.nextLink"')
            [CompletionResult]::new('--next-query', '--next-query', [CompletionResultType]::ParameterName, 'Jq giving the next request''s query parameters (null on the last page), e.g. {pageToken: .nextPageToken}')
            [CompletionResult]::new('--page-param', '--page-param', [CompletionResultType]::ParameterName, 'Query parameter of the page number (or {page} in the URL), with `last`')
            [CompletionResult]::new('--first-page', '--first-page', [CompletionResultType]::ParameterName, 'The first page''s number with `page_param` or {page} (default 1)')
            [CompletionResult]::new('--last', '--last', [CompletionResultType]::ParameterName, 'Jq telling the last page (true) when paging by number')
            [CompletionResult]::new('--error', '--error', [CompletionResultType]::ParameterName, 'Jq giving the API''s error in an answer under HTTP 200 (null when none)')
            [CompletionResult]::new('--client-auth', '--client-auth', [CompletionResultType]::ParameterName, 'How the OAuth2 client authenticates: post (in the form, default) or basic (client_secret_basic)')
            [CompletionResult]::new('--service-account-file', '--service-account-file', [CompletionResultType]::ParameterName, 'A service account''s JSON key file (Google): the JWT-bearer grant, with `scope`')
            [CompletionResult]::new('--subject', '--subject', [CompletionResultType]::ParameterName, 'The user a service account acts for (domain-wide delegation)')
            [CompletionResult]::new('--product', '--product', [CompletionResultType]::ParameterName, 'Only records whose product matches this glob (repeatable)')
            [CompletionResult]::new('--metric', '--metric', [CompletionResultType]::ParameterName, 'Only records whose metric matches this glob (repeatable)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format [default: table]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/licusage/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the table (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Timeout per request, e.g. 30s, 2m [default: 30s]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout per request, e.g. 30s, 2m [default: 30s]')
            [CompletionResult]::new('--allow-insecure-http', '--allow-insecure-http', [CompletionResultType]::ParameterName, 'Allow credentials over plain http:// to a non-loopback host')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as --format json')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr (secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'licusage;holders' {
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'A source name from the config, or a kind for every source of that kind (repeatable)')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'A source name from the config, or a kind for every source of that kind (repeatable)')
            [CompletionResult]::new('--product', '--product', [CompletionResultType]::ParameterName, 'Only records whose product matches this glob (repeatable)')
            [CompletionResult]::new('--metric', '--metric', [CompletionResultType]::ParameterName, 'Only records whose metric matches this glob (repeatable)')
            [CompletionResult]::new('--idle', '--idle', [CompletionResultType]::ParameterName, 'Only holders whose seat has not been used for DAYS or more (never used counts)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'With --usage: how far back, e.g. 30d, 12h, 52w')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format [default: table]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/licusage/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the table (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Timeout per request, e.g. 30s, 2m [default: 30s]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout per request, e.g. 30s, 2m [default: 30s]')
            [CompletionResult]::new('--redact', '--redact', [CompletionResultType]::ParameterName, 'Replace holder identities by a stable short hash, dropping the details that identify a person or machine')
            [CompletionResult]::new('--usage', '--usage', [CompletionResultType]::ParameterName, 'Checkout hours per user and feature from the server logs (`log`) over --since, instead of who holds seats now')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as --format json')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr (secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'licusage;help' {
            [CompletionResult]::new('record', 'record', [CompletionResultType]::ParameterValue, 'Take a snapshot of all sources and append it to the history store (for cron)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a completion script: bash, zsh, fish, powershell, elvish')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, '`config path` prints the config file path; `config check` validates it')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'A long-running Prometheus exporter: /metrics, /healthz, /records')
            [CompletionResult]::new('notify', 'notify', [CompletionResultType]::ParameterValue, 'Send what changed (status, sources failing, deadlines) to the [notify] channels (for cron)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Read every configured source (or those named by --source) and render the records')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Evaluate thresholds and expiry; monitoring-plugin output and exit codes')
            [CompletionResult]::new('history', 'history', [CompletionResultType]::ParameterValue, 'Usage over time per series: sparkline, trend, forecast of exhaustion')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Compare two saved JSON outputs (`show --format json`): what changed, per series')
            [CompletionResult]::new('sources', 'sources', [CompletionResultType]::ParameterValue, 'List the configured sources and the supported kinds')
            [CompletionResult]::new('report', 'report', [CompletionResultType]::ParameterValue, 'A self-contained HTML (or Markdown) report with charts, prices and renewals')
            [CompletionResult]::new('plan', 'plan', [CompletionResultType]::ParameterValue, 'Renewal decisions: peak, p95, recommended limit, what it saves, and by when to say so')
            [CompletionResult]::new('4d', '4d', [CompletionResultType]::ParameterValue, 'One-off read: 4D Server `License usage` collection (served by an exposed function, or exported)')
            [CompletionResult]::new('veeva', 'veeva', [CompletionResultType]::ParameterValue, 'One-off read: Veeva Vault application licenses (GET /api/{version}/objects/licenses)')
            [CompletionResult]::new('onlyoffice', 'onlyoffice', [CompletionResultType]::ParameterValue, 'One-off read: ONLYOFFICE Docs license and user quota (command service, {"c":"license"})')
            [CompletionResult]::new('leegality', 'leegality', [CompletionResultType]::ParameterValue, 'One-off read: Leegality license usage statistics (GET /api/v1/licenses/{id}/usage-statistics)')
            [CompletionResult]::new('cpod', 'cpod', [CompletionResultType]::ParameterValue, 'One-off read: cPod software licenses and seat assignments (GET /api/v1/licenses)')
            [CompletionResult]::new('flexlm', 'flexlm', [CompletionResultType]::ParameterValue, 'One-off read: FlexNet Publisher (FlexLM) license servers: `lmutil lmstat -a` output, from a file or a command')
            [CompletionResult]::new('rlm', 'rlm', [CompletionResultType]::ParameterValue, 'One-off read: Reprise License Manager (RLM) servers: `rlmutil rlmstat -a` output, from a file or a command')
            [CompletionResult]::new('generic', 'generic', [CompletionResultType]::ParameterValue, 'One-off read: Any JSON API or file, mapped to records by a jq filter')
            [CompletionResult]::new('holders', 'holders', [CompletionResultType]::ParameterValue, 'List who holds the seats (kinds 4d, onlyoffice, cpod, flexlm, rlm, generic)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'licusage;help;record' {
            break
        }
        'licusage;help;completions' {
            break
        }
        'licusage;help;config' {
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print the config file path')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Write a commented starter config (every kind, keys commented out) at the config path, mode 0600')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Validate the config file: exit 0 when valid, 2 with the reason when not')
            break
        }
        'licusage;help;config;path' {
            break
        }
        'licusage;help;config;init' {
            break
        }
        'licusage;help;config;check' {
            break
        }
        'licusage;help;serve' {
            break
        }
        'licusage;help;notify' {
            break
        }
        'licusage;help;show' {
            break
        }
        'licusage;help;check' {
            break
        }
        'licusage;help;history' {
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Copy the local SQLite history into a PostgreSQL one, verified by counts (run again: copies only what is new)')
            break
        }
        'licusage;help;history;migrate' {
            break
        }
        'licusage;help;diff' {
            break
        }
        'licusage;help;sources' {
            break
        }
        'licusage;help;report' {
            break
        }
        'licusage;help;plan' {
            break
        }
        'licusage;help;4d' {
            break
        }
        'licusage;help;veeva' {
            break
        }
        'licusage;help;onlyoffice' {
            break
        }
        'licusage;help;leegality' {
            break
        }
        'licusage;help;cpod' {
            break
        }
        'licusage;help;flexlm' {
            break
        }
        'licusage;help;rlm' {
            break
        }
        'licusage;help;generic' {
            break
        }
        'licusage;help;holders' {
            break
        }
        'licusage;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
