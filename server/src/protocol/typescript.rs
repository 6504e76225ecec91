//! Renders the wire types as one TypeScript module, `web/src/types/protocol.ts`.

use ts_rs::TS;

use super::*;
use crate::error::ErrorCode;

/// Every wire type as TypeScript, plus the event-name constants.
pub fn ts_types() -> String {
    let cfg = ts_rs::Config::new();
    let decls = [
        ErrorCode::decl(&cfg),
        Settings::decl(&cfg),
        SettingsPatch::decl(&cfg),
        Grid::decl(&cfg),
        Transport::decl(&cfg),
        Role::decl(&cfg),
        Instrument::decl(&cfg),
        Participant::decl(&cfg),
        UserInfo::decl(&cfg),
        CreateRequest::decl(&cfg),
        JoinRequest::decl(&cfg),
        LeaveRequest::decl(&cfg),
        BroadcastRequest::decl(&cfg),
        ParticipantRequest::decl(&cfg),
        UpdateSettingsRequest::decl(&cfg),
        ClockPing::decl(&cfg),
        TransportStartRequest::decl(&cfg),
        ResumeRequest::decl(&cfg),
        ChatSendRequest::decl(&cfg),
        SetRoleRequest::decl(&cfg),
        UpdateProfileRequest::decl(&cfg),
        SessionCreated::decl(&cfg),
        ChatMessage::decl(&cfg),
        You::decl(&cfg),
        SessionJoined::decl(&cfg),
        MissedEvent::decl(&cfg),
        SessionResumed::decl(&cfg),
        UserJoined::decl(&cfg),
        LeaveReason::decl(&cfg),
        UserLeft::decl(&cfg),
        UserPresence::decl(&cfg),
        UserUpdated::decl(&cfg),
        HostChanged::decl(&cfg),
        SettingsChanged::decl(&cfg),
        TransportState::decl(&cfg),
        TakeEnd::decl(&cfg),
        RecordingInfo::decl(&cfg),
        RecordingState::decl(&cfg),
        BroadcastEvent::decl(&cfg),
        SessionKicked::decl(&cfg),
        ServerClosing::decl(&cfg),
        ParticipantLatency::decl(&cfg),
        LatencyReport::decl(&cfg),
        ClockPong::decl(&cfg),
        LeaveAck::decl(&cfg),
        BroadcastAck::decl(&cfg),
        CommandAck::decl(&cfg),
        ErrorPayload::decl(&cfg),
        AckError::decl(&cfg),
    ];
    let mut out = String::from(
        "// Generated from server/src/protocol by ts-rs. Do not edit by hand:\n\
         // run `JAM_UPDATE_TYPES=1 cargo test -p jam-server ts_types` after changing the Rust types.\n\n",
    );
    for decl in decls {
        out.push_str("export ");
        out.push_str(&decl);
        out.push_str("\n\n");
    }
    out.push_str("/** Client → server event names. */\n");
    out.push_str(&render_constants("ClientEvents", client::ALL));
    out.push_str("\n/** Server → client event names. */\n");
    out.push_str(&render_constants("ServerEvents", server::ALL));
    out
}

fn render_constants(name: &str, items: &[(&str, &str)]) -> String {
    let body: String = items
        .iter()
        .map(|(key, value)| format!("  {key}: \"{value}\",\n"))
        .collect();
    format!("export const {name} = {{\n{body}}} as const;\n")
}

#[cfg(test)]
mod tests;
