"""ESPHome external component `mcp_bridge`: exposes a device's entities on the
devices/<id>/... MQTT protocol of the MCP-MQTT Bridge (capabilities, readings, validated
commands answered exactly once, metrics, runtime config, diagnostics).

The protocol logic is the portable C++ core (core_*.cpp, tested on the host); this file only
validates the YAML and generates the calls that configure it.
"""

import json
import logging
import re

import esphome.codegen as cg
import esphome.config_validation as cv
from esphome import final_validate as fv
from esphome.const import CONF_ID, __version__ as ESPHOME_VERSION
from esphome.core import CORE

_LOGGER = logging.getLogger(__name__)

CODEOWNERS = []
DEPENDENCIES = ["mqtt"]

CONF_DEVICE_ID = "device_id"
CONF_TOPIC_ROOT = "topic_root"
CONF_FIRMWARE_VERSION = "firmware_version"
CONF_LOCATION = "location"
CONF_PUBLISH_INTERVAL = "publish_interval"
CONF_METRICS_INTERVAL = "metrics_interval"
CONF_BATCH = "batch"
CONF_ERROR_QOS = "error_qos"
CONF_EXCLUDE = "exclude"
CONF_REQUIRE_CONFIRMATION = "require_confirmation"
CONF_TIME_ID = "time_id"
CONF_LOW_HEAP_THRESHOLD = "low_heap_threshold"
CONF_CRITICAL_HEAP_THRESHOLD = "critical_heap_threshold"
CONF_RESTORE_CONFIG = "restore_config"
CONF_ACTUATORS = "actuators"
CONF_MAX_LEASE = "max_lease"
CONF_SAFE_STATE = "safe_state"
CONF_MIN_INTERVAL = "min_interval"
CONF_MAX_COMMANDS_PER_MIN = "max_commands_per_min"
CONF_MAX_REVERSALS = "max_reversals"
CONF_FLAP_WINDOW = "flap_window"

# Entity domains whose entities the component announces (the glue maps each one).
_ENTITY_DOMAINS = (
    "sensor",
    "binary_sensor",
    "switch",
    "button",
    "number",
    "select",
    "light",
    "climate",
    "cover",
    "fan",
    "lock",
    "valve",
    "text",
    "text_sensor",
    "event",
    "datetime",
)

mcp_bridge_ns = cg.esphome_ns.namespace("mcp_bridge")
McpBridge = mcp_bridge_ns.class_("McpBridge", cg.Component)

_IDENTIFIER = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def identifier(value):
    """A topic segment of the protocol: [A-Za-z0-9_-]{1,64} (no '/', no wildcards)."""
    value = cv.string_strict(value)
    if not _IDENTIFIER.match(value):
        raise cv.Invalid(
            f"'{value}' is not a protocol identifier: use 1-64 of A-Z a-z 0-9 _ -"
        )
    return value


def _interval_ms(minimum_ms):
    def validate(value):
        value = cv.positive_time_period_milliseconds(value)
        if value.total_milliseconds < minimum_ms:
            raise cv.Invalid(f"must be at least {minimum_ms} ms")
        return value

    return validate


def _safe_state(value):
    """A state: on/off/true/false, a number, or an option/text (protocol actuator value)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    text = cv.string_strict(value)
    if text.lower() in ("on", "true"):
        return True
    if text.lower() in ("off", "false"):
        return False
    if len(text) > 64:
        raise cv.Invalid("a state is at most 64 characters")
    return text


def _flap_pair(config):
    if (CONF_MAX_REVERSALS in config) != (CONF_FLAP_WINDOW in config):
        raise cv.Invalid(f"{CONF_MAX_REVERSALS} and {CONF_FLAP_WINDOW} go together")
    if CONF_SAFE_STATE in config and CONF_MAX_LEASE not in config:
        raise cv.Invalid(f"{CONF_SAFE_STATE} is the state a lease reverts to: set {CONF_MAX_LEASE} too")
    return config


# Leases and the loop guard per actuator key (protocol/README.md "Leases and the loop guard").
ACTUATOR_GUARD_SCHEMA = cv.All(
    cv.Schema(
        {
            cv.Optional(CONF_MAX_LEASE): cv.All(
                cv.positive_time_period_milliseconds,
                cv.Range(max=cv.TimePeriod(hours=24)),
            ),
            cv.Optional(CONF_SAFE_STATE): _safe_state,
            cv.Optional(CONF_MIN_INTERVAL): cv.All(
                cv.positive_time_period_milliseconds,
                cv.Range(max=cv.TimePeriod(hours=24)),
            ),
            cv.Optional(CONF_MAX_COMMANDS_PER_MIN): cv.int_range(min=1, max=6000),
            cv.Optional(CONF_MAX_REVERSALS): cv.int_range(min=1, max=1000),
            cv.Optional(CONF_FLAP_WINDOW): cv.All(
                cv.positive_time_period_seconds,
                cv.Range(max=cv.TimePeriod(hours=24)),
            ),
        }
    ),
    _flap_pair,
)


def _time_schema():
    try:
        from esphome.components import time  # pylint: disable=import-outside-toplevel

        return {cv.Optional(CONF_TIME_ID): cv.use_id(time.RealTimeClock)}
    except ImportError:  # pragma: no cover
        return {}


CONFIG_SCHEMA = cv.Schema(
    {
        cv.GenerateID(): cv.declare_id(McpBridge),
        cv.Optional(CONF_DEVICE_ID): identifier,
        cv.Optional(CONF_TOPIC_ROOT, default="devices"): identifier,
        cv.Optional(
            CONF_FIRMWARE_VERSION, default=f"esphome-{ESPHOME_VERSION}"
        ): cv.All(cv.string, cv.Length(min=1, max=32)),
        cv.Optional(CONF_LOCATION, default=""): cv.All(cv.string, cv.Length(max=256)),
        cv.Optional(CONF_PUBLISH_INTERVAL, default="10s"): _interval_ms(100),
        cv.Optional(CONF_METRICS_INTERVAL, default="60s"): _interval_ms(1000),
        cv.Optional(CONF_BATCH, default=True): cv.boolean,
        cv.Optional(CONF_ERROR_QOS, default=1): cv.one_of(0, 1, 2, int=True),
        cv.Optional(CONF_EXCLUDE, default=[]): cv.ensure_list(identifier),
        cv.Optional(CONF_REQUIRE_CONFIRMATION, default=[]): cv.ensure_list(identifier),
        # The seeds' watchdog alert: an `error` (severity 2, 3 below the critical mark) when
        # the free heap drops below this; the memory diagnostic warns/fails at the same marks.
        cv.Optional(CONF_LOW_HEAP_THRESHOLD, default=16384): cv.int_range(min=0),
        cv.Optional(CONF_CRITICAL_HEAP_THRESHOLD): cv.int_range(min=1),
        # Keep runtime configuration (config/set: intervals, streaming) across reboots.
        cv.Optional(CONF_RESTORE_CONFIG, default=True): cv.boolean,
        # Per actuator key: max_lease, safe_state, min_interval (device-enforced) and the
        # server-enforced max_commands_per_min, max_reversals within flap_window.
        cv.Optional(CONF_ACTUATORS, default={}): cv.Schema(
            {identifier: ACTUATOR_GUARD_SCHEMA}
        ),
        **_time_schema(),
    }
).extend(cv.COMPONENT_SCHEMA)


def _device_id(config):
    return config.get(CONF_DEVICE_ID) or CORE.name


def _slug(name):
    """The key the glue gives an entity (core::slugify): lower case, spaces to _, others dropped."""
    out = []
    for char in str(name).lower():
        if char == " ":
            out.append("_")
        elif char.isascii() and (char.isalnum() or char in "_-"):
            out.append(char)
    return "".join(out)


def _entity_names(value):
    """Every `name:` below an entity domain's config (platform sub-entities included)."""
    if isinstance(value, dict):
        if isinstance(value.get("name"), str):
            yield value["name"]
        for item in value.values():
            yield from _entity_names(item)
    elif isinstance(value, list):
        for item in value:
            yield from _entity_names(item)


def _final_validate(config):
    """The mqtt: block must leave devices/<id>/ to us, and its birth/will must be our status."""
    full = fv.full_config.get()
    mqtt = full.get("mqtt", {})
    status = f"{config[CONF_TOPIC_ROOT]}/{_device_id(config)}/status"
    if mqtt.get("topic_prefix") not in (None, ""):
        _LOGGER.warning(
            "mcp_bridge: set 'mqtt: topic_prefix: null' (and discovery: false); otherwise every "
            "entity also publishes ESPHome's own state topics beside the protocol's"
        )
    for key in ("birth_message", "will_message", "shutdown_message"):
        message = mqtt.get(key) or {}
        if message.get("topic") != status:
            # The error belongs to the mqtt: block, not to mcp_bridge: (FinalExternalInvalid
            # keeps the path as given instead of prefixing ours).
            raise cv.FinalExternalInvalid(
                f"mcp_bridge needs {key} on {status} (payload online/offline, retain: true) "
                "so that the server sees the device go offline",
                path=["mqtt", key, "topic"] if message else ["mqtt"],
            )
    keys = {
        _slug(name)
        for domain in _ENTITY_DOMAINS
        for name in _entity_names(full.get(domain, []))
    }
    for key in (
        config[CONF_EXCLUDE]
        + config[CONF_REQUIRE_CONFIRMATION]
        + list(config[CONF_ACTUATORS])
    ):
        if key not in keys:
            _LOGGER.warning(
                "mcp_bridge: '%s' matches no entity (keys are the slugs of entity names: %s)",
                key,
                ", ".join(sorted(keys)) or "none",
            )
    if (
        CONF_CRITICAL_HEAP_THRESHOLD in config
        and config[CONF_CRITICAL_HEAP_THRESHOLD] >= config[CONF_LOW_HEAP_THRESHOLD]
    ):
        raise cv.Invalid(
            f"must be below {CONF_LOW_HEAP_THRESHOLD} ({config[CONF_LOW_HEAP_THRESHOLD]})",
            path=[CONF_CRITICAL_HEAP_THRESHOLD],
        )
    return config


FINAL_VALIDATE_SCHEMA = _final_validate


async def to_code(config):
    var = cg.new_Pvariable(config[CONF_ID])
    await cg.register_component(var, config)
    cg.add(var.set_device_id(_device_id(config)))
    cg.add(var.set_topic_root(config[CONF_TOPIC_ROOT]))
    cg.add(var.set_firmware_version(config[CONF_FIRMWARE_VERSION]))
    cg.add(var.set_location(config[CONF_LOCATION]))
    cg.add(var.set_publish_interval(config[CONF_PUBLISH_INTERVAL].total_milliseconds))
    cg.add(var.set_metrics_interval(config[CONF_METRICS_INTERVAL].total_milliseconds))
    cg.add(var.set_batch(config[CONF_BATCH]))
    cg.add(var.set_error_qos(config[CONF_ERROR_QOS]))
    for key in config[CONF_EXCLUDE]:
        cg.add(var.add_exclude(key))
    for key in config[CONF_REQUIRE_CONFIRMATION]:
        cg.add(var.add_confirm(key))
    cg.add(var.set_low_heap_threshold(config[CONF_LOW_HEAP_THRESHOLD]))
    if CONF_CRITICAL_HEAP_THRESHOLD in config:
        cg.add(var.set_critical_heap_threshold(config[CONF_CRITICAL_HEAP_THRESHOLD]))
    cg.add(var.set_restore_config(config[CONF_RESTORE_CONFIG]))
    for key, guard in config[CONF_ACTUATORS].items():
        lease = guard.get(CONF_MAX_LEASE)
        interval = guard.get(CONF_MIN_INTERVAL)
        window = guard.get(CONF_FLAP_WINDOW)
        cg.add(
            var.add_guard(
                key,
                lease.total_milliseconds / 1000.0 if lease else 0.0,
                json.dumps(guard[CONF_SAFE_STATE]) if CONF_SAFE_STATE in guard else "",
                interval.total_milliseconds if interval else 0,
                guard.get(CONF_MAX_COMMANDS_PER_MIN, 0),
                guard.get(CONF_MAX_REVERSALS, 0),
                window.total_seconds if window else 0,
            )
        )
    if CONF_TIME_ID in config:
        clock = await cg.get_variable(config[CONF_TIME_ID])
        cg.add(var.set_time(clock))
    cg.add_define("USE_MCP_BRIDGE")
