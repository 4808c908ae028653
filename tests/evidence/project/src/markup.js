// A finding whose line holds markup: the report must show it as text.
const resetToken = Math.random().toString(36) + '<script>alert("x")</script>';
module.exports = { resetToken };
