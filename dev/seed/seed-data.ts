// Word lists for the seed: pt-BR on purpose, with accents, quotes, separators and text that looks
// like a spreadsheet formula, because those are what break CSV exports and PDFs.

export const TIMEZONES = [
  'America/Sao_Paulo',
  'America/Manaus',
  'America/Recife',
  'America/Rio_Branco',
  'America/Noronha',
  'America/Cuiaba',
  'America/Belem',
  'America/Fortaleza',
] as const;

/** The area code that goes with each zone, so a company's own numbers look local. */
export const AREA_CODE_BY_TIMEZONE: Record<string, string> = {
  'America/Sao_Paulo': '11',
  'America/Manaus': '92',
  'America/Recife': '81',
  'America/Rio_Branco': '68',
  'America/Noronha': '81',
  'America/Cuiaba': '65',
  'America/Belem': '91',
  'America/Fortaleza': '85',
};

export const AREA_CODES = ['11', '21', '31', '41', '47', '51', '61', '62', '71', '81', '85', '91', '92', '68', '27'];

export const COMPANY_NAMES = [
  'Padaria Pão de Açúcar Ltda',
  'Óticas Visão Clara',
  'Clínica Sorriso & Saúde',
  'Construtora Ipê Amarelo',
  'Farmácia São José',
  'Auto Peças Conceição',
  'Escola Criança Feliz',
  'Pet Shop Amigo Fiel',
  'Imobiliária Horizonte "Premium"',
  'Lojas Maré Alta; Filial Norte',
];

export const FIRST_NAMES = [
  'João', 'José', 'Maria', 'Conceição', 'Ângela', 'Antônio', 'Luíza', 'Márcia', 'Sérgio', 'Fábio',
  'Cláudia', 'Vinícius', 'Letícia', 'Thaís', 'Júlia', 'Caio', 'Brenda', 'Raimundo', 'Francisca', 'Lúcia',
  'Benedita', 'Otávio', 'Mônica', 'Débora', 'Rogério', 'Inês', 'Jéssica', 'Álvaro', 'Íris', 'Kauã',
  'Yasmin', 'Renan', 'Estêvão', 'Natália', 'Gustavo', 'Patrícia', 'Raí', 'Joana', 'Heloísa', 'Zé',
];

export const LAST_NAMES = [
  'Silva', 'Santos', 'Oliveira', 'Souza', 'Conceição', 'Gonçalves', 'Araújo', 'Pereira', 'Lima', 'Carvalho',
  'Ribeiro', 'Magalhães', 'Brandão', 'Simões', 'Assunção', 'Falcão', 'Mendonça', 'Guimarães', "D'Ávila", 'Nóbrega',
  'Müller', 'Estevão', 'Peçanha', 'Sá', 'Lobão',
];

/** Contact names a person typed; a few look like formulas and must be neutralised in CSVs. */
export const ODD_CONTACT_NAMES = ['=SUM(A1)', '@maria', '+55 11 99999-0000', '-Ana Paula', '=HYPERLINK("http://x")', 'Zé "do Caixa"; Loja 2'];

export const EMAIL_DOMAINS = ['gmail.com', 'hotmail.com', 'uol.com.br', 'bol.com.br', 'yahoo.com.br', 'outlook.com'];

export const QUEUE_NAMES = ['Suporte', 'Financeiro', 'Comercial', 'Pós-venda', 'Cobrança', 'Ouvidoria', 'Logística', 'Retenção'];

export const TAG_NAMES = [
  'Dúvida', 'Reclamação', 'Elogio', 'Urgente', 'Cancelamento', '2ª via de boleto', 'Troca/Devolução', 'VIP',
  'Orçamento', 'Não resolvido', '=Prioridade', 'Entrega; atraso',
];

export const WHATSAPP_NAMES = ['Atendimento', 'Vendas', 'Cobrança', 'Suporte 24h', 'Marketing'];

export const CAMPAIGN_NAMES = [
  'Black Friday 2024',
  'Campanha "Volta às aulas"',
  'Lembrete de pagamento; março',
  'Pesquisa de satisfação',
  'Reativação de clientes',
  'Promoção Dia das Mães 🎁',
];

export const COST_CENTER_NAMES = ['Marketing', 'Atendimento', 'Cobrança', 'Vendas Sul', 'Operações'];

/** Meta template names and what one sent message costs (BRL, 4 decimals as Meta bills). */
export const TEMPLATES: ReadonlyArray<{ name: string; cost: string }> = [
  { name: 'boas_vindas', cost: '0.0625' },
  { name: 'promocao_mensal', cost: '0.0625' },
  { name: 'pesquisa_satisfacao', cost: '0.0625' },
  { name: 'confirmacao_pedido', cost: '0.0080' },
  { name: 'lembrete_pagamento', cost: '0.0080' },
  { name: 'atualizacao_entrega', cost: '0.0080' },
  { name: 'codigo_verificacao', cost: '0.0315' },
];

export const CONTRACTS_FORMULA_LIKE = ['=SUM(A1)', '+55 contrato', '-10', '@admin', '=1+1'];

export const WEBHOOK_EVENT_TYPES = [
  'message.received', 'message.sent', 'message.delivered', 'message.read', 'ticket.created',
  'ticket.closed', 'ticket.transferred', 'contact.created', 'campaign.started', 'campaign.finished',
];

/**
 * Texts that every company gets at least once (its first messages), so even a tiny seed holds each
 * case an export must survive: separators, quotes, line breaks, emoji, formulas, markup, backslashes.
 */
export const TRICKY_TEXTS = [
  'Bom dia; preciso da 2ª via do boleto',
  'O produto veio com o selo "original" rasgado',
  'Primeira linha\r\nSegunda linha',
  'Endereço:\nRua das Acácias, 12\nApto 301',
  '=SUM(A1)',
  '=HYPERLINK("http://x")',
  '@user pode me ajudar?',
  '+5511999990000',
  '-3',
  'Obrigado!! 😀🚀',
  'Conceição, atenção à instalação do ar-condicionado',
  '<script>alert(1)</script>',
  '\tcomeça com tabulação',
  'Salvei em C:\\Users\\joão\\boleto.pdf',
];

export const CONTACT_TEXTS = [
  'Olá, bom dia!', 'Boa tarde', 'Oi, tudo bem?', 'Quero saber o status do meu pedido',
  'Meu pedido ainda não chegou', 'Preciso trocar o tamanho da camiseta', 'Vocês abrem no sábado?',
  'Qual o valor da mensalidade?', 'Já fiz o pagamento via Pix', 'Pode me mandar o boleto atualizado?',
  'Não consigo acessar o aplicativo', 'A fatura veio com valor errado', 'Obrigado pela atenção!',
  'Ok', 'Certo, aguardo', 'Muito obrigada 😊', 'Ainda estou esperando retorno...', 'Isso resolve, valeu 👍',
  'Quero cancelar o serviço', 'Tem desconto à vista?', 'Qual o prazo de entrega para Manaus?',
  'Segue o comprovante', 'Meu CPF é 123.456.789-00', 'Vocês entregam em Fernando de Noronha?',
  'O técnico não apareceu hoje', 'Pode ser amanhã às 14h?', 'A internet caiu de novo', 'Não recebi o código',
  'Preciso falar com um atendente, por favor', 'Aguardo retorno; é urgente!',
];

export const OPERATOR_TEXTS = [
  'Olá! Meu nome é {op}, vou dar continuidade ao seu atendimento.',
  'Bom dia! Como posso ajudar?', 'Um momento, por favor, estou verificando.', 'Pode me informar o número do pedido?',
  'Seu pedido já está em rota de entrega 🚚', 'Enviei o boleto atualizado por e-mail.', 'Pagamento confirmado, obrigado!',
  'Consegue me enviar uma foto do produto?', 'Vou transferir você para o setor Financeiro.',
  'A troca foi registrada; o prazo é de 7 dias úteis.', 'Posso ajudar em algo mais?',
  'Agradecemos o contato. Tenha um ótimo dia!', 'Protocolo de atendimento: {proto}', 'Desculpe a demora 🙏',
  'O técnico irá até você amanhã, entre 8h e 12h.', 'Reiniciei sua conexão, pode testar agora?',
  'Seu cadastro foi atualizado com sucesso.', 'O valor à vista tem 10% de desconto.',
];

export const SYSTEM_TEXTS = [
  'Olá! Bem-vindo(a) ao nosso atendimento. Digite:\n1 - Suporte\n2 - Financeiro\n3 - Comercial',
  'Você está na fila. Em breve um atendente vai falar com você.',
  'Atendimento transferido para a fila solicitada.',
  'Atendimento encerrado. Avalie de 1 a 5 ⭐',
  'Nosso horário de atendimento é de segunda a sexta, das 8h às 18h.',
  'Não entendi sua resposta. Por favor, digite apenas o número da opção.',
];

export const TEMPLATE_TEXTS = [
  'Olá! Seu pedido foi confirmado e será enviado em breve. 📦',
  'Lembrete: sua fatura vence amanhã. Evite juros; pague pelo app.',
  'Temos uma oferta especial para você! Responda "QUERO" para saber mais.',
  'Seu código de verificação é 482913.',
  'Como foi seu atendimento? Responda de 1 a 5.',
];

export const LOCATIONS = [
  'Av. Paulista, 1578 - Bela Vista, São Paulo - SP',
  'Rua da Aurora, 325 - Boa Vista, Recife - PE',
  'Av. Eduardo Ribeiro, 520 - Centro, Manaus - AM',
];

export const DOCUMENT_NAMES = ['comprovante.pdf', 'boleto_março.pdf', 'nota fiscal; pedido 123.pdf', 'contrato "assinado".pdf'];
export const IMAGE_CAPTIONS = ['Foto do produto com defeito', 'Print da tela de erro'];
