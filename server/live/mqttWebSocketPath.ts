/** Where the embedded broker takes MQTT over WebSocket on the viewer's own HTTP server. */
export const MQTT_WEBSOCKET_PATH = '/mqtt';
