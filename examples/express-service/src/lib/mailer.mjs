import nodemailer from 'nodemailer';

const transport = nodemailer.createTransport({
  host: process.env.SMTP_HOST,
  port: 587,
  auth: { user: process.env.SMTP_USER, pass: process.env.SMTP_PASSWORD },
  // The relay in the office network presents a self-signed certificate.
  tls: { rejectUnauthorized: false },
});

export async function sendPasswordReset(to, resetToken) {
  const link = new URL('https://shop.example/account/new-password');
  link.searchParams.set('t', resetToken);
  await transport.sendMail({
    from: 'Shop <no-reply@shop.example>',
    to,
    subject: 'Choose a new password',
    text: `Open ${link} within 30 minutes to choose a new password.`,
  });
}
