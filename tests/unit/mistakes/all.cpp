// Every mistake file without its mistake: each declaration compiles, so what
// fails with CLERK_MISTAKE defined is the mistake alone.
#include "at_least_on_string.cpp"
#include "body_on_delete.cpp"
#include "body_on_get.cpp"
#include "free_text_in_query.cpp"
#include "header_in_request.cpp"
#include "header_not_a_token.cpp"
#include "idempotent_member.cpp"
#include "joined_in_json_body.cpp"
#include "no_json_kind.cpp"
#include "non_empty_on_integer.cpp"
#include "open_enum_names.cpp"
#include "present_or_null_required.cpp"
#include "printed_as_url_on_string.cpp"
#include "repeated_body_name.cpp"
#include "repeated_wire_name.cpp"
int main() {}
